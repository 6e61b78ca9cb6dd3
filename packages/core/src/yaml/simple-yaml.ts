/**
 * A fast path for the params files a scan reads by the thousand: block maps of plain or quoted
 * one-line scalars, as PyYAML's `safe_dump` writes `params.yml` (the DagsHub logger) and as most
 * hand-written `params.yaml` look. The `yaml` package takes ~70 µs per such file; a 1,000-commit
 * scan spent more time there than native git spends on the whole `git log -p`.
 *
 * It either returns exactly what `loadYaml(text).data` would (YAML 1.2 core schema) or
 * `undefined`, and then the caller uses the full parser — anything unusual (lists, flow maps,
 * comments, anchors, tags, multi-line scalars, tabs, CRLF, duplicate keys, odd indentation,
 * numbers in forms other than plain decimal) is left to it. A property test holds the two equal.
 */

const MAX_CHARS = 64 * 1024;
const MAX_DEPTH = 32;

const KEY = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/;
const INT = /^-?(?:0|[1-9][0-9]{0,14})$/;
const FLOAT = /^-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,17}(?:[eE][-+]?[0-9]{1,3})?$/;
const PLAIN = /^[A-Za-z_](?:[A-Za-z0-9_.\-/ ]*[A-Za-z0-9_.\-/])?$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const SINGLE = /^'((?:[^'\x00-\x1f\x7f]|'')*)'$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const DOUBLE = /^"([^"\\\x00-\x1f\x7f]*)"$/;

/** Words the core schema resolves to null or a boolean (not strings). */
const SPECIAL: Record<string, null | boolean> = {
  null: null,
  Null: null,
  NULL: null,
  true: true,
  True: true,
  TRUE: true,
  false: false,
  False: false,
  FALSE: false,
};

const NO = Symbol('not simple');

function scalar(v: string): unknown {
  if (v === '~') return null;
  if (Object.hasOwn(SPECIAL, v)) return SPECIAL[v];
  if (INT.test(v) || FLOAT.test(v)) return Number(v);
  if (v === '.inf' || v === '.Inf' || v === '.INF') return Number.POSITIVE_INFINITY;
  if (v === '-.inf' || v === '-.Inf' || v === '-.INF') return Number.NEGATIVE_INFINITY;
  if (v === '.nan' || v === '.NaN' || v === '.NAN') return Number.NaN;
  if (v === '{}') return {};
  if (v === '[]') return [];
  if (PLAIN.test(v)) return v;
  let m = SINGLE.exec(v);
  if (m) return (m[1] as string).replaceAll("''", "'");
  m = DOUBLE.exec(v);
  if (m) return m[1];
  return NO;
}

interface Level {
  indent: number;
  map: Record<string, unknown>;
}

/** The document's value when it is a simple block map (see above), else undefined. */
export function parseSimpleYamlMap(text: string): Record<string, unknown> | undefined {
  if (text.length > MAX_CHARS || text.includes('\r') || text.includes('\t')) return undefined;
  const root: Record<string, unknown> = {};
  const stack: Level[] = [{ indent: 0, map: root }];
  // A `key:` with nothing after it: a nested map follows, or its value is null.
  let pending: { map: Record<string, unknown>; key: string; indent: number } | null = null;
  let keys = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let n = 0;
    while (line.charCodeAt(n) === 32) n++;
    if (n === line.length) return undefined;
    if (pending) {
      if (n > pending.indent) {
        if (stack.length >= MAX_DEPTH) return undefined;
        const map: Record<string, unknown> = {};
        pending.map[pending.key] = map;
        stack.push({ indent: n, map });
      } else {
        pending.map[pending.key] = null;
      }
      pending = null;
    }
    while (n < (stack[stack.length - 1] as Level).indent) stack.pop();
    const top = stack[stack.length - 1] as Level;
    if (n !== top.indent) return undefined;
    const colon = line.indexOf(':', n);
    if (colon < 0) return undefined;
    const key = line.slice(n, colon);
    if (!KEY.test(key) || Object.hasOwn(SPECIAL, key) || key === '__proto__' || Object.hasOwn(top.map, key)) {
      return undefined;
    }
    keys++;
    if (colon === line.length - 1) {
      pending = { map: top.map, key, indent: n };
      continue;
    }
    if (line.charCodeAt(colon + 1) !== 32) return undefined;
    const raw = line.slice(colon + 2).trim();
    if (raw === '') {
      pending = { map: top.map, key, indent: n };
      continue;
    }
    const value = scalar(raw);
    if (value === NO) return undefined;
    top.map[key] = value;
  }
  if (pending) pending.map[pending.key] = null;
  return keys > 0 ? root : undefined;
}
