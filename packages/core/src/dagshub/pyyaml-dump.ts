/**
 * `yaml.safe_dump(data)` byte for byte: PyYAML 6's emitter (emitter.py) for the values the
 * DagsHub logger writes — maps with string keys, lists, strings, numbers, booleans and null —
 * with its defaults: keys sorted, block style, indent 2, 80-column folding, allow_unicode=False.
 * The state (column, whitespace, indention, indent) and each writer below follow emitter.py
 * step for step, because every quirk shows in the output: a line break in a single-quoted
 * string is written twice, keys of 123+ characters or with breaks become `? key` entries,
 * double-quoted text folds with `\` continuations. Pinned by golden files made with PyYAML
 * (golden/make-golden.py).
 */
import { isPythonInt, pythonFloatRepr } from './python-repr.ts';

const BEST_WIDTH = 80;
const BEST_INDENT = 2;
const BREAKS = '\n\x85\u2028\u2029';
const SPACE_OR_BREAK = `\0 \t\r${BREAKS}`;
/** PyYAML counts the implicit tag `!!str` into a key's length: keys must stay under 128. */
const SIMPLE_KEY_LIMIT = 128 - '!!str'.length;

/** resolver.py's implicit resolvers: a plain scalar matching one would not read back as text. */
const IMPLICIT = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=)$/,
];

const ESCAPES: Record<string, string> = {
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

type Style = 'plain' | 'single' | 'double';

interface Scalar {
  /** The text as code points (PyYAML counts columns in code points). */
  chars: string[];
  empty: boolean;
  multiline: boolean;
  allowPlain: boolean;
  allowSingle: boolean;
  /** Plain text that resolves to the scalar's own type (a string that does not look like a number). */
  implicit: boolean;
}

/** Emitter.analyze_scalar, block context, allow_unicode=False. */
function analyze(text: string, implicit: boolean): Scalar {
  const chars = [...text];
  if (chars.length === 0) {
    return { chars, empty: true, multiline: false, allowPlain: true, allowSingle: true, implicit };
  }
  let blockIndicators = text.startsWith('---') || text.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWs = true;
  let followedByWs = chars.length === 1 || SPACE_OR_BREAK.includes(chars[1] as string);
  const last = chars.length - 1;
  chars.forEach((ch, index) => {
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ('?:'.includes(ch) && followedByWs) blockIndicators = true;
      if (ch === '-' && followedByWs) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWs) blockIndicators = true;
      if (ch === '#' && precededByWs) blockIndicators = true;
    }
    const isBreak = BREAKS.includes(ch);
    if (isBreak) lineBreaks = true;
    if (!(ch === '\n' || (ch >= '\x20' && ch <= '\x7e'))) special = true;
    if (ch === ' ') {
      if (index === 0) leadingSpace = true;
      if (index === last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak) {
      if (index === 0) leadingBreak = true;
      if (index === last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWs = SPACE_OR_BREAK.includes(ch);
    followedByWs = index + 2 >= chars.length || SPACE_OR_BREAK.includes(chars[index + 2] as string);
  });
  let allowPlain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak);
  let allowSingle = true;
  if (breakSpace) allowPlain = allowSingle = false;
  if (spaceBreak || special) allowPlain = allowSingle = false;
  if (lineBreaks || blockIndicators) allowPlain = false;
  return { chars, empty: false, multiline: lineBreaks, allowPlain, allowSingle, implicit };
}

/** Emitter.choose_scalar_style for a block-context scalar without an explicit style. */
function chooseStyle(s: Scalar, simpleKey: boolean): Style {
  if (s.implicit && !(simpleKey && (s.empty || s.multiline)) && s.allowPlain) return 'plain';
  if (s.allowSingle && !(simpleKey && s.multiline)) return 'single';
  return 'double';
}

/** represent_float: Python's repr, lower case, `.0` before an exponent so YAML 1.1 sees a float. */
function floatText(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Number.POSITIVE_INFINITY) return '.inf';
  if (x === Number.NEGATIVE_INFINITY) return '-.inf';
  const repr = pythonFloatRepr(x);
  return !repr.includes('.') && repr.includes('e') ? repr.replace('e', '.0e') : repr;
}

/**
 * A scalar's text as PyYAML represents it; which numbers are ints is python-repr.ts's rule
 * (1e16 → `1.0e+16`, a BigInt 2n ** 60n → `1152921504606846976`).
 */
function representScalar(value: unknown): Scalar {
  if (value === null || value === undefined) return analyze('null', true);
  if (typeof value === 'boolean') return analyze(value ? 'true' : 'false', true);
  if (typeof value === 'bigint') return analyze(value.toString(), true);
  if (typeof value === 'number') {
    return analyze(isPythonInt(value) ? String(value) : floatText(value), true);
  }
  const text = String(value);
  return analyze(text, !IMPLICIT.some((re) => re.test(text)));
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Python's sort of str keys: by code point (JavaScript's default sort compares UTF-16 units). */
function byCodePoint(a: string, b: string): number {
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = (ca[i] as string).codePointAt(0)! - (cb[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

/** The emitter's output and the state its writers share (emitter.py's attributes of the same names). */
class Emitter {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  indent = 0;

  private write(data: string, width = [...data].length): void {
    this.out += data;
    this.column += width;
  }

  writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ` ${indicator}`;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.write(data);
  }

  writeLineBreak(br = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.out += br;
    this.column = 0;
  }

  writeIndent(): void {
    const indent = this.indent;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.writeLineBreak();
    }
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column));
    }
  }

  writePlain(chars: string[], split: boolean): void {
    if (chars.length === 0) return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = chars[end];
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else this.write(chars.slice(start, end).join(''));
          start = end;
        }
      } else if (ch === undefined || ' \n\x85\u2028\u2029'.includes(ch)) {
        this.write(chars.slice(start, end).join(''));
        start = end;
      }
      if (ch !== undefined) spaces = ch === ' ';
    }
  }

  writeSingleQuoted(chars: string[], split: boolean): void {
    this.writeIndicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = chars[end];
      if (spaces) {
        if (ch === undefined || ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split && start !== 0 && end !== chars.length) {
            this.writeIndent();
          } else this.write(chars.slice(start, end).join(''));
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          // A break inside quotes folds to a space when read, so each one is written twice.
          if (chars[start] === '\n') this.writeLineBreak();
          for (const br of chars.slice(start, end)) this.writeLineBreak(br);
          this.writeIndent();
          start = end;
        }
      } else if (ch === undefined || ` ${BREAKS}'`.includes(ch)) {
        if (start < end) {
          this.write(chars.slice(start, end).join(''));
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.writeIndicator("'", false);
  }

  writeDoubleQuoted(chars: string[], split: boolean): void {
    this.writeIndicator('"', true);
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = chars[end];
      if (ch === undefined || '"\\\x85\u2028\u2029\uFEFF'.includes(ch) || !(ch >= '\x20' && ch <= '\x7e')) {
        if (start < end) {
          this.write(chars.slice(start, end).join(''));
          start = end;
        }
        if (ch !== undefined) {
          this.write(escapeChar(ch));
          start = end + 1;
        }
      }
      if (
        end > 0 &&
        end < chars.length - 1 &&
        (ch === ' ' || start >= end) &&
        this.column + (end - start) > BEST_WIDTH &&
        split
      ) {
        this.write(`${chars.slice(start, end).join('')}\\`);
        if (start < end) start = end;
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (chars[start] === ' ') this.write('\\');
      }
    }
    this.writeIndicator('"', false);
  }
}

function escapeChar(ch: string): string {
  const named = ESCAPES[ch];
  if (named !== undefined) return `\\${named}`;
  const code = ch.codePointAt(0)!;
  const hex = code.toString(16).toUpperCase();
  if (code <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

/** Emitter.expect_scalar + process_scalar. */
function emitScalar(e: Emitter, s: Scalar, simpleKey: boolean): void {
  const outer = e.indent;
  e.indent = outer + BEST_INDENT;
  const split = !simpleKey;
  const style = chooseStyle(s, simpleKey);
  if (style === 'plain') e.writePlain(s.chars, split);
  else if (style === 'single') e.writeSingleQuoted(s.chars, split);
  else e.writeDoubleQuoted(s.chars, split);
  e.indent = outer;
}

/** Emitter.expect_node for a value in a block mapping (`mapping`) or sequence. */
function emitNode(e: Emitter, value: unknown, context: 'mapping' | 'sequence' | 'root'): void {
  if (isMap(value) || Array.isArray(value)) {
    const empty = isMap(value) ? Object.keys(value).length === 0 : value.length === 0;
    if (empty) {
      // expect_flow_mapping / expect_flow_sequence with nothing inside.
      e.writeIndicator(Array.isArray(value) ? '[' : '{', true, true);
      e.writeIndicator(Array.isArray(value) ? ']' : '}', false);
    } else if (isMap(value)) emitBlockMapping(e, value, context === 'root');
    // At the root PyYAML's indent is None and becomes 0, as an indentless sequence's does.
    else emitBlockSequence(e, value, context === 'root' || (context === 'mapping' && !e.indention));
    return;
  }
  emitScalar(e, representScalar(value), false);
}

function emitBlockMapping(e: Emitter, map: Record<string, unknown>, root: boolean): void {
  const outer = e.indent;
  if (!root) e.indent = outer + BEST_INDENT;
  for (const key of Object.keys(map).sort(byCodePoint)) {
    e.writeIndent();
    const k = representScalar(key);
    if (k.chars.length < SIMPLE_KEY_LIMIT && !k.empty && !k.multiline) {
      emitScalar(e, k, true);
      e.writeIndicator(':', false);
    } else {
      e.writeIndicator('?', true, false, true);
      emitScalar(e, k, false);
      e.writeIndent();
      e.writeIndicator(':', true, false, true);
    }
    emitNode(e, map[key], 'mapping');
  }
  e.indent = outer;
}

function emitBlockSequence(e: Emitter, list: unknown[], indentless: boolean): void {
  const outer = e.indent;
  if (!indentless) e.indent = outer + BEST_INDENT;
  for (const item of list) {
    e.writeIndent();
    e.writeIndicator('-', true, false, true);
    emitNode(e, item, 'sequence');
  }
  e.indent = outer;
}

/**
 * `yaml.safe_dump(data)` as PyYAML 6 writes it (always ending in a line break).
 * @example pyyamlSafeDump({ text: 'multi\nline', big: 1e16 }) // "big: 1.0e+16\ntext: 'multi\n\n  line'\n"
 */
export function pyyamlSafeDump(data: unknown): string {
  const e = new Emitter();
  emitNode(e, data, 'root');
  // expect_document_end: write_indent() ends the last line.
  e.writeIndent();
  return e.out;
}
