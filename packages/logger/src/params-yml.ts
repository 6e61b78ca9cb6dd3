/**
 * params.yml exactly as the DagsHub logger writes it: Python's `yaml.safe_dump(params)` — keys
 * sorted, block style, PyYAML's quoting and its 80-column folding of long scalars — after the
 * logger's normalisation (leaves that are not None/int/float/bool become `str(value)`, nested
 * dicts stay maps). Strings with line breaks or non-ASCII characters are written double-quoted
 * with escapes (PyYAML would also fold those; any YAML reader gets the same value).
 */
import { parse as parseYaml } from 'yaml';
import { pythonNumberRepr, pythonStr } from './python-repr.ts';

export type ParamLeaf = string | number | boolean | null;
export interface ParamTree {
  [key: string]: ParamLeaf | ParamTree;
}

const BEST_WIDTH = 80;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** The DagsHub logger's normalisation of logged hyperparameters. */
export function normalizeParams(params: Record<string, unknown>): ParamTree {
  const out: ParamTree = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (v === null || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (isPlainObject(v)) out[k] = normalizeParams(v);
    else out[k] = pythonStr(v);
  }
  return out;
}

function pyFloat(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Number.POSITIVE_INFINITY) return '.inf';
  if (x === Number.NEGATIVE_INFINITY) return '-.inf';
  const r = pythonNumberRepr(x);
  // PyYAML's represent_float: a repr like 1e-05 gets '.0' so YAML 1.1 reads it as a float.
  return !r.includes('.') && r.includes('e') ? r.replace('e', '.0e') : r;
}

/** What a PyYAML scalar style may be used for this text. */
function scalarStyle(text: string): 'plain' | 'single' | 'double' {
  // Line breaks, control characters and (allow_unicode=False) non-ASCII need escapes.
  if (/[^\x20-\x7e]/.test(text)) return 'double';
  if (text === '' || text.startsWith(' ') || text.endsWith(' ')) return 'single';
  if (/^[#,[\]{}&*!|>'"%@`]/.test(text)) return 'single';
  if (/^[-?:](\s|$)/.test(text) || text.startsWith('---') || text.startsWith('...')) return 'single';
  if (text.includes(': ') || text.includes(' #') || text.endsWith(':')) return 'single';
  // A plain scalar that YAML 1.1 would read as something else (yes, 1_000, 1:30, ~, 2001-01-01).
  let resolved: unknown;
  try {
    resolved = parseYaml(text, { version: '1.1', schema: 'yaml-1.1' });
  } catch {
    return 'single';
  }
  return resolved === text ? 'plain' : 'single';
}

/** Writes text as PyYAML does, breaking at a single space once past column 80. */
function foldedScalar(text: string, startColumn: number, indent: number, quoted: boolean): string {
  let out = quoted ? "'" : '';
  let column = startColumn + (quoted ? 1 : 0);
  const words = text.split(' ');
  words.forEach((word, i) => {
    if (i > 0) {
      const single = word !== '' && words[i - 1] !== '';
      const allowed = !quoted || (i !== 0 && i !== words.length);
      if (single && allowed && column > BEST_WIDTH) {
        out += `\n${' '.repeat(indent)}`;
        column = indent;
      } else {
        out += ' ';
        column += 1;
      }
    }
    const w = quoted ? word.replaceAll("'", "''") : word;
    out += w;
    column += w.length;
  });
  return quoted ? `${out}'` : out;
}

function doubleQuoted(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    else if (code <= 0xff) out += `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += `\\U${code.toString(16).toUpperCase().padStart(8, '0')}`;
  }
  return `${out}"`;
}

function stringScalar(text: string, column: number, indent: number, fold: boolean): string {
  const style = scalarStyle(text);
  if (style === 'double') return doubleQuoted(text);
  if (!fold) return style === 'plain' ? text : `'${text.replaceAll("'", "''")}'`;
  return foldedScalar(text, column, indent, style === 'single');
}

function leaf(v: ParamLeaf, column: number, indent: number): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? pythonNumberRepr(v) : pyFloat(v);
  return stringScalar(v, column, indent, true);
}

/** Python's sort order for keys: by code point. */
function codePointCompare(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) as number);
  const y = [...b].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

function mapping(tree: ParamTree, indent: number): string {
  let out = '';
  for (const key of Object.keys(tree).sort(codePointCompare)) {
    const value = tree[key] as ParamLeaf | ParamTree;
    const k = stringScalar(key, indent, indent, false);
    const prefix = `${' '.repeat(indent)}${k}:`;
    if (isPlainObject(value)) {
      out += Object.keys(value).length === 0 ? `${prefix} {}\n` : `${prefix}\n${mapping(value, indent + 2)}`;
    } else {
      out += `${prefix} ${leaf(value, prefix.length + 1, indent + 2)}\n`;
    }
  }
  return out;
}

/** `yaml.safe_dump(params)` as PyYAML prints it; `{}` for no params. */
export function serializeParamsYml(params: ParamTree): string {
  return Object.keys(params).length === 0 ? '{}\n' : mapping(params, 0);
}
