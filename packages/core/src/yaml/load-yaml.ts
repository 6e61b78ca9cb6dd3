/**
 * yaml/ — the one bounded YAML loader every DVC and DagsHub parser in @cairn/core goes through.
 * It keeps the `yaml` Document (so key order, comments and unknown keys survive edits), refuses
 * what could hang or exhaust memory (huge input, deep nesting, alias bombs), refuses duplicate
 * keys, and reports every problem as a ParseError with a 1-based line and column.
 */
import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  LineCounter,
  type Node,
  parseDocument,
  type Tags,
} from 'yaml';
import type { ParseErrorCode } from '../errors/parse-error.ts';
import { fail, ok, type Result } from '../errors/result.ts';

export interface YamlLimits {
  /** Largest input accepted, in UTF-16 code units (≈ bytes for ASCII). */
  maxChars: number;
  /** Deepest nesting of maps and sequences accepted. */
  maxDepth: number;
  /** How many times aliases may be expanded in total (the alias-bomb guard). */
  maxAliasCount: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxChars: 32 * 1024 * 1024, maxDepth: 200, maxAliasCount: 1000 };

export interface LoadedYaml {
  /** The parsed document: edit it and `toString()` to keep order, comments and unknown keys. */
  doc: Document.Parsed;
  /** The plain JavaScript value of the document (`null` for an empty file). */
  data: unknown;
  lines: LineCounter;
  file: string | undefined;
}

export interface LoadYamlOptions extends Partial<YamlLimits> {
  file?: string;
  /**
   * '1.2' (default; what DVC's ruamel.yaml reads) or 'pyyaml' (YAML 1.1 as PyYAML resolves it:
   * `yes`/`on` are booleans, `08` is text, but unlike YAML 1.1 `y` and `n` stay text).
   */
  version?: '1.2' | 'pyyaml';
}

/**
 * PyYAML's implicit resolvers (resolver.py) where they are narrower than the yaml package's
 * YAML 1.1 schema: no `y`/`n` booleans, no `08` ints, floats need a dot and a signed exponent.
 */
const PYYAML_TESTS: { sample: string; not?: string; test: RegExp }[] = [
  { sample: 'true', test: /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/ },
  { sample: 'false', test: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/ },
  { sample: '9', test: /^[-+]?(?:0|[1-9][0-9_]*)$/ },
  // Base 60 (`1:30` is 90): PyYAML's starts with 1–9, so `0:0` stays text (the yaml package's reads 0).
  { sample: '1:30', test: /^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/ },
  { sample: '1e5', test: /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*[eE][-+][0-9]+|\.[0-9][0-9_]*[eE][-+][0-9]+)$/ },
  { sample: '1.5', not: '1e5', test: /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/ },
];

function pyyamlTags(tags: Tags): Tags {
  return tags.map((t) => {
    if (typeof t !== 'object' || t === null) return t;
    const test = (t as { test?: unknown }).test;
    if (!(test instanceof RegExp)) return t;
    const match = PYYAML_TESTS.find((p) => test.test(p.sample) && !(p.not !== undefined && test.test(p.not)));
    return match ? (Object.assign({}, t, { test: match.test }) as typeof t) : t;
  });
}

/**
 * Parses one YAML document within limits.
 * @example loadYaml('a: 1', { file: 'params.yaml' }) // { ok: true, value: { data: { a: 1 }, … } }
 */
export function loadYaml(text: string, options: LoadYamlOptions = {}): Result<LoadedYaml> {
  const limits = { ...DEFAULT_YAML_LIMITS, ...stripUndefined(options) };
  const file = options.file;
  if (typeof text !== 'string') return fail({ code: 'schema', message: 'Expected YAML text.', ...fileOf(file) });
  if (text.length > limits.maxChars) {
    return fail({
      code: 'too_large',
      message: `The file is ${text.length} characters long; the limit for YAML is ${limits.maxChars}.`,
      ...fileOf(file),
    });
  }
  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      lineCounter: lines,
      uniqueKeys: true,
      prettyErrors: true,
      ...(options.version === 'pyyaml'
        ? { version: '1.1' as const, customTags: pyyamlTags }
        : { version: '1.2' as const }),
    });
  } catch (e) {
    return failFromThrown(e, file);
  }
  const first = doc.errors[0];
  if (first) {
    const code: ParseErrorCode =
      first.code === 'DUPLICATE_KEY'
        ? 'duplicate_key'
        : first.code === 'RESOURCE_EXHAUSTION'
          ? 'too_deep'
          : 'yaml_syntax';
    const pos = first.linePos?.[0];
    const message =
      code === 'duplicate_key'
        ? 'The same key appears twice in one mapping.'
        : code === 'too_deep'
          ? 'The document nests maps and lists too deeply to read.'
          : firstLine(first.message);
    return fail({ code, message, ...fileOf(file), ...(pos ? { line: pos.line, column: pos.col } : {}) });
  }
  const deep = findTooDeep(doc.contents, limits.maxDepth);
  if (deep) {
    const pos = positionOfNode(lines, deep);
    return fail({
      code: 'too_deep',
      message: `The document nests maps and lists more than ${limits.maxDepth} levels deep.`,
      ...fileOf(file),
      ...pos,
    });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (e) {
    return failFromThrown(e, file);
  }
  return ok({ doc, data: data ?? null, lines, file });
}

/** 1-based line and column of a node of a loaded document, if it came from the source text. */
export function positionOfNode(lines: LineCounter, node: unknown): { line?: number; column?: number } {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (!range) return {};
  const pos = lines.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}

/**
 * Position of the value at `path` (keys and indices) in a loaded document; when the value is
 * missing or null, the position of its key; failing that, of the nearest ancestor that exists.
 */
export function positionAt(loaded: LoadedYaml, path: readonly (string | number)[]): { line?: number; column?: number } {
  let node: unknown = loaded.doc.contents;
  let best: unknown = node;
  let key: unknown;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      best = pair.value ?? pair.key;
      key = pair.key;
      node = pair.value;
      if (node === null || node === undefined) {
        best = pair.key;
        break;
      }
    } else if (isCollection(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) break;
      key = undefined;
      best = item;
      node = item;
    } else break;
  }
  // A mapping or list is best shown by the key that names it.
  if (key !== undefined && isCollection(best)) return positionOfNode(loaded.lines, key);
  return positionOfNode(loaded.lines, best);
}

/** Depth-first walk with an explicit stack: the nesting being checked may be 10,000 deep. */
function findTooDeep(root: unknown, maxDepth: number): Node | undefined {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (!isCollection(node)) continue;
    if (depth >= maxDepth) return node;
    for (const item of node.items) {
      if (isPair(item)) {
        if (isCollection(item.key)) stack.push([item.key, depth + 1]);
        if (item.value && !isAlias(item.value)) stack.push([item.value, depth + 1]);
      } else stack.push([item, depth + 1]);
    }
  }
  return undefined;
}

function failFromThrown(e: unknown, file: string | undefined) {
  if (e instanceof RangeError) {
    return fail({ code: 'too_deep', message: 'The document nests too deeply to read.', ...fileOf(file) });
  }
  const message = e instanceof Error ? e.message : String(e);
  if (/alias count/i.test(message)) {
    return fail({
      code: 'too_many_aliases',
      message: 'The document expands too many aliases (a YAML "alias bomb"); refusing to read it.',
      ...fileOf(file),
    });
  }
  return fail({ code: 'yaml_syntax', message: firstLine(message), ...fileOf(file) });
}

/** The yaml package's message without its own position suffix and source excerpt. */
function firstLine(message: string): string {
  return message
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim()
    .slice(0, 300);
}

function fileOf(file: string | undefined): { file?: string } {
  return file === undefined ? {} : { file };
}

function stripUndefined(o: LoadYamlOptions): Partial<YamlLimits> {
  const out: Partial<YamlLimits> = {};
  if (o.maxChars !== undefined) out.maxChars = o.maxChars;
  if (o.maxDepth !== undefined) out.maxDepth = o.maxDepth;
  if (o.maxAliasCount !== undefined) out.maxAliasCount = o.maxAliasCount;
  return out;
}
