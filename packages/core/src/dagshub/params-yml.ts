/**
 * DagsHub's `params.yml`: `yaml.safe_dump(params)` of everything logged (PyYAML defaults:
 * keys sorted, block style, 80-column folding, YAML 1.1 quoting of strings that would read as
 * numbers or booleans, `allow_unicode=False`). Read with the bounded YAML loader; written here
 * with a small emitter that reproduces PyYAML's choices byte for byte for the shapes the
 * logger writes (nested maps of scalars; lists, too).
 */
import { fail, ok, type Result } from '../errors/result.ts';
import { loadYaml } from '../yaml/load-yaml.ts';
import { deepEqual } from '../yaml/yaml-edit.ts';
import { pythonFloatRepr } from './python-repr.ts';

/** Reads `params.yml` (a mapping; `{}` when empty) as PyYAML would: YAML 1.1 (`08` is text). */
export function parseDagshubParams(text: string, file = 'params.yml'): Result<Record<string, unknown>> {
  const r = loadYaml(text, { file, version: 'pyyaml' });
  if (!r.ok) return r;
  const data = r.value.data;
  if (data === null) return ok({});
  if (typeof data !== 'object' || Array.isArray(data)) {
    return fail({
      code: 'schema',
      message: 'params.yml must be a mapping of names to values.',
      file,
      line: 1,
      column: 1,
    });
  }
  return ok(data as Record<string, unknown>);
}

const WIDTH = 80;
const INDENT = 2;

/** PyYAML's YAML 1.1 implicit resolvers: a plain scalar matching one is not a string. */
const IMPLICIT = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=)$/,
];

const BREAKS = '\n\x85\u2028\u2029';
const SPACE_OR_BREAK = ` \t\r${BREAKS}\0`;

interface Analysis {
  allowPlain: boolean;
  allowSingle: boolean;
  multiline: boolean;
}

/** PyYAML Emitter.analyze_scalar, block context, allow_unicode=False. */
function analyze(s: string): Analysis {
  if (s === '') return { allowPlain: false, allowSingle: true, multiline: false };
  let block = s.startsWith('---') || s.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  let precededByWs = true;
  let followedByWs = s.length === 1 || SPACE_OR_BREAK.includes(s[1]!);
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) block = true;
      if ('?:'.includes(ch) && followedByWs) block = true;
      if (ch === '-' && followedByWs) block = true;
    } else {
      if (ch === ':' && followedByWs) block = true;
      if (ch === '#' && precededByWs) block = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const code = ch.codePointAt(0)!;
    if (!(ch === '\n' || (code >= 0x20 && code <= 0x7e))) special = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = SPACE_OR_BREAK.includes(ch);
    followedByWs = i + 2 >= chars.length || SPACE_OR_BREAK.includes(chars[i + 2]!);
  }
  let allowPlain = true;
  let allowSingle = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowPlain = false;
  if (breakSpace) allowPlain = allowSingle = false;
  if (spaceBreak || special) allowPlain = allowSingle = false;
  if (lineBreaks || block) allowPlain = false;
  return { allowPlain, allowSingle, multiline: lineBreaks };
}

/** Writes words, turning a single space into a line break once past column 80 (PyYAML). */
class Writer {
  out = '';
  column = 0;
  write(text: string): void {
    this.out += text;
    this.column += text.length;
  }
  newline(indent: number): void {
    this.out += `\n${' '.repeat(indent)}`;
    this.column = indent;
  }

  /** Emitter.write_plain, split=True (called after `key:`; writes the separating space). */
  plain(text: string, indent: number): void {
    this.write(' ');
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : undefined;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > WIDTH) this.newline(indent);
          else this.write(text.slice(start, end));
          start = end;
        }
      } else if (ch === undefined || ch === ' ') {
        this.write(text.slice(start, end));
        start = end;
      }
      if (ch !== undefined) spaces = ch === ' ';
    }
  }

  /** Emitter.write_single_quoted for text without line breaks. */
  single(text: string, indent: number): void {
    this.write(" '");
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : undefined;
      if (spaces) {
        if (ch === undefined || ch !== ' ') {
          if (start + 1 === end && this.column > WIDTH && start !== 0 && end !== text.length) this.newline(indent);
          else this.write(text.slice(start, end));
          start = end;
        }
      } else if (ch === undefined || ch === ' ' || ch === "'") {
        if (start < end) this.write(text.slice(start, end));
        start = end;
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== undefined) spaces = ch === ' ';
    }
    this.write("'");
  }
}

/** Double-quoted with PyYAML's escapes (no folding: long non-ASCII strings are rare here). */
function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    const named: Record<string, string> = {
      '\0': '0',
      '\x07': 'a',
      '\b': 'b',
      '\t': 't',
      '\n': 'n',
      '\x0b': 'v',
      '\f': 'f',
      '\r': 'r',
      '\x1b': 'e',
      '"': '"',
      '\\': '\\',
      '\x85': 'N',
      '\xa0': '_',
      '\u2028': 'L',
      '\u2029': 'P',
    };
    if (named[ch] !== undefined) out += `\\${named[ch]}`;
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    else if (code <= 0xff) out += `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += `\\U${code.toString(16).toUpperCase().padStart(8, '0')}`;
  }
  return `${out}"`;
}

function scalarText(value: unknown): { text: string; style: 'plain' | 'single' | 'double' } {
  if (value === null || value === undefined) return { text: 'null', style: 'plain' };
  if (typeof value === 'boolean') return { text: value ? 'true' : 'false', style: 'plain' };
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { text: '.nan', style: 'plain' };
    if (!Number.isFinite(value)) return { text: value > 0 ? '.inf' : '-.inf', style: 'plain' };
    if (Number.isInteger(value) && Math.abs(value) < 1e16) return { text: String(value), style: 'plain' };
    let repr = pythonFloatRepr(value);
    if (!repr.includes('.') && repr.includes('e')) repr = repr.replace('e', '.0e');
    return { text: repr, style: 'plain' };
  }
  const s = String(value);
  const a = analyze(s);
  if (a.allowPlain && !IMPLICIT.some((re) => re.test(s))) return { text: s, style: 'plain' };
  if (a.allowSingle) return { text: s, style: 'single' };
  return { text: s, style: 'double' };
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Python's sort of str keys: by code point. */
function byCodePoint(a: string, b: string): number {
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = ca[i]!.codePointAt(0)! - cb[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

function writeKey(w: Writer, key: string): void {
  const k = scalarText(key);
  w.write(
    k.style === 'plain' ? k.text : k.style === 'single' ? `'${k.text.replace(/'/g, "''")}'` : doubleQuoted(k.text),
  );
  w.write(':');
}

function writeScalarValue(w: Writer, value: unknown, indent: number): void {
  const s = scalarText(value);
  if (s.style === 'plain') w.plain(s.text, indent);
  else if (s.style === 'single') w.single(s.text, indent);
  else w.write(` ${doubleQuoted(s.text)}`);
}

function writeMap(w: Writer, map: Record<string, unknown>, indent: number, inlineFirst: boolean): void {
  const keys = Object.keys(map).sort(byCodePoint);
  keys.forEach((key, i) => {
    if (!(inlineFirst && i === 0)) {
      if (w.out !== '') w.newline(indent);
      else w.write(' '.repeat(indent));
    }
    writeKey(w, key);
    writeValue(w, map[key], indent);
  });
}

function writeValue(w: Writer, value: unknown, indent: number): void {
  if (isMap(value)) {
    if (Object.keys(value).length === 0) w.write(' {}');
    else writeMap(w, value, indent + INDENT, false);
  } else if (Array.isArray(value)) {
    if (value.length === 0) w.write(' []');
    else writeSeq(w, value, indent);
  } else writeScalarValue(w, value, indent + INDENT);
}

/** Block sequence under a mapping key: PyYAML does not indent the dashes. */
function writeSeq(w: Writer, list: unknown[], indent: number): void {
  for (const item of list) {
    w.newline(indent);
    w.write('-');
    if (isMap(item) && Object.keys(item).length > 0) {
      w.write(' ');
      writeMap(w, item, indent + INDENT, true);
    } else if (Array.isArray(item) && item.length > 0) {
      writeSeq(w, item, indent + INDENT);
    } else if (isMap(item)) w.write(' {}');
    else if (Array.isArray(item)) w.write(' []');
    else writeScalarValue(w, item, indent + INDENT);
  }
}

/**
 * `yaml.safe_dump(params)` as PyYAML writes it; `original` (the text it was read from) is
 * returned unchanged when the values are the same.
 * @example serializeDagshubParams({ lr: 0.02, gpus: null, n_clusters: '4' }) // "gpus: null\nlr: 0.02\nn_clusters: '4'\n"
 */
export function serializeDagshubParams(params: Record<string, unknown>, original?: string): string {
  if (original !== undefined) {
    const before = parseDagshubParams(original);
    if (before.ok && deepEqual(before.value, params)) return original;
  }
  if (Object.keys(params).length === 0) return '{}\n';
  const w = new Writer();
  writeMap(w, params, 0, false);
  return `${w.out}\n`;
}
