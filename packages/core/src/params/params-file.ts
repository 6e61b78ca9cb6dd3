/**
 * params/ — params files (YAML, JSON, TOML) as DVC reads them for `params:` in dvc.yaml and for
 * `vars`: parse to a nested value, look a dotted key up, and flatten to dotted keys the way
 * dvc.lock and experiment tables show them. `.py` params files are not read (no Python here).
 */
import { parse as parseToml, TomlError } from 'smol-toml';
import { fail, ok, type Result } from '../errors/result.ts';
import { loadYaml } from '../yaml/load-yaml.ts';
import { findJsonProblem } from './json-error.ts';

export type ParamsFormat = 'yaml' | 'json' | 'toml';

/** The format a params file is read as, from its name (DVC: .yaml/.yml, .json, .toml). */
export function paramsFormatOf(file: string): ParamsFormat | null {
  const lower = file.toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.toml')) return 'toml';
  return null;
}

const MAX_PARAMS_CHARS = 32 * 1024 * 1024;
const MAX_JSON_DEPTH = 200;

/**
 * Parses a params file; the format comes from `format` or the file name.
 * @example parseParams('train:\n  lr: 0.1\n', 'params.yaml') // ok({ train: { lr: 0.1 } })
 */
export function parseParams(text: string, file: string, format?: ParamsFormat): Result<unknown> {
  const kind = format ?? paramsFormatOf(file);
  if (kind === null) {
    return fail({ code: 'unsupported_format', message: `'${file}' is not a YAML, JSON or TOML params file.`, file });
  }
  if (text.length > MAX_PARAMS_CHARS) {
    return fail({ code: 'too_large', message: `The file is larger than ${MAX_PARAMS_CHARS} characters.`, file });
  }
  if (kind === 'yaml') {
    const r = loadYaml(text, { file });
    return r.ok ? ok(r.value.data) : r;
  }
  if (kind === 'json') return parseJson(text, file);
  try {
    return ok(parseToml(text));
  } catch (e) {
    if (e instanceof TomlError) {
      return fail({ code: 'toml_syntax', message: e.message.split('\n')[0]!, file, line: e.line, column: e.column });
    }
    return fail({ code: 'toml_syntax', message: String(e), file });
  }
}

/** JSON with a depth limit (checked before parsing, so deep input cannot exhaust the stack). */
export function parseJson(text: string, file?: string): Result<unknown> {
  const where = file === undefined ? {} : { file };
  if (text.length > MAX_PARAMS_CHARS)
    return fail({ code: 'too_large', message: 'The JSON text is too large.', ...where });
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > MAX_JSON_DEPTH) {
        const pos = lineColumn(text, i);
        return fail({
          code: 'too_deep',
          message: `JSON nested more than ${MAX_JSON_DEPTH} levels deep.`,
          ...where,
          ...pos,
        });
      }
    } else if (c === 93 || c === 125) depth--;
  }
  try {
    return ok(JSON.parse(text.replace(/^\uFEFF/, '')));
  } catch {
    const problem = findJsonProblem(text.replace(/^\uFEFF/, ''));
    const pos = lineColumn(text, problem.offset);
    return fail({ code: 'json_syntax', message: `Invalid JSON: ${problem.message}.`, ...where, ...pos });
  }
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The value at a dotted key (`train.lr`; list items by index, `layers.0`), or undefined.
 * A key that itself contains dots (`{"a.b": 1}`) is found too, as DVC finds it.
 */
export function getParam(params: unknown, key: string): unknown {
  if (isRecord(params) && Object.hasOwn(params, key)) return params[key];
  const parts = key.split('.');
  for (let n = parts.length - 1; n >= 1; n--) {
    const head = parts.slice(0, n).join('.');
    const rest = parts.slice(n).join('.');
    let container: unknown;
    if (isRecord(params) && Object.hasOwn(params, head)) container = params[head];
    else if (Array.isArray(params) && /^\d+$/.test(head)) container = params[Number(head)];
    else continue;
    const found = getParam(container, rest);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Flattens nested maps to dotted keys, as dvc.lock and `dvc params diff` show them. Lists are
 * leaves (DVC keeps them whole). An empty map stays a leaf so it is not lost.
 * @example flattenParams({ train: { lr: 0.1, layers: [1, 2] } }) // { 'train.lr': 0.1, 'train.layers': [1, 2] }
 */
export function flattenParams(params: unknown, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const stack: [unknown, string][] = [[params, prefix]];
  const leaves: [string, unknown][] = [];
  while (stack.length > 0) {
    const [value, at] = stack.pop()!;
    if (isRecord(value) && (Object.keys(value).length > 0 || at === '')) {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i]!;
        stack.push([v, at === '' ? k : `${at}.${k}`]);
      }
    } else leaves.push([at, value]);
  }
  for (const [k, v] of leaves) {
    if (k === '__proto__')
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}
