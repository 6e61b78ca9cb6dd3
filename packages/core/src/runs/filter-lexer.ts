import { type FilterError, filterErrorAt } from './filter-error.ts';

/**
 * Tokens of MLflow's search syntax: words (identifiers and keywords), numbers, the three quote
 * styles, comparison operators, parentheses, commas and dots. Quote styles are kept apart
 * because their meaning depends on position: `"x"` is a key after `metrics.` and a string on
 * the right of `=`; backticks only ever quote keys.
 */
export type TokenKind =
  | 'word'
  | 'number'
  | 'single'
  | 'double'
  | 'backtick'
  | 'op'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'dot'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Decoded text: a quoted token without its quotes and escapes, an operator as written. */
  value: string;
  offset: number;
  /** Offset just past the token. */
  end: number;
}

/** Filters longer than this are refused before lexing (a UI never needs more). */
export const MAX_FILTER_LENGTH = 100_000;

const OPERATORS = ['!=', '<=', '>=', '=', '<', '>'] as const;

function isWordStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
function isWordChar(c: string): boolean {
  return isWordStart(c) || isDigit(c);
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** Tokens a following dot belongs to, as a name separator. */
const GLUE_KINDS = new Set<TokenKind>(['word', 'number', 'single', 'double', 'backtick']);

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

/** Splits `text` into tokens, ending with an `eof` token; a bad character or quote is an error. */
export function tokenize(text: string): { ok: true; tokens: Token[] } | { ok: false; error: FilterError } {
  if (text.length > MAX_FILTER_LENGTH) {
    return {
      ok: false,
      error: filterErrorAt(text, 'too_long', `A filter may be at most ${MAX_FILTER_LENGTH} characters long.`, 0, 0),
    };
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i += 1;
      continue;
    }
    const start = i;
    if (isWordStart(c)) {
      while (i < text.length && isWordChar(text[i]!)) i += 1;
      tokens.push({ kind: 'word', value: text.slice(start, i), offset: start, end: i });
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      const kind: TokenKind = c === "'" ? 'single' : c === '"' ? 'double' : 'backtick';
      let value = '';
      i += 1;
      let closed = false;
      while (i < text.length) {
        const d = text[i]!;
        if (d === c) {
          // A doubled quote stands for the quote itself, as in SQL.
          if (text[i + 1] === c) {
            value += c;
            i += 2;
            continue;
          }
          i += 1;
          closed = true;
          break;
        }
        if (d === '\\' && i + 1 < text.length && (text[i + 1] === c || text[i + 1] === '\\')) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        value += d;
        i += 1;
      }
      if (!closed) {
        return {
          ok: false,
          error: filterErrorAt(text, 'unterminated_string', `This ${c} quote is never closed.`, start, 1),
        };
      }
      tokens.push({ kind, value, offset: start, end: i });
      continue;
    }
    // A dot right after a name or a closing quote separates name parts (`metrics.acc`); only
    // elsewhere can it start a number (`.5`).
    const prev = tokens[tokens.length - 1];
    const glued = prev !== undefined && prev.end === start && GLUE_KINDS.has(prev.kind);
    if (c === '.' && (glued || !isDigit(text[i + 1] ?? ''))) {
      tokens.push({ kind: 'dot', value: '.', offset: start, end: i + 1 });
      i += 1;
      continue;
    }
    if (isDigit(c) || c === '.' || (c === '-' && (isDigit(text[i + 1] ?? '') || text[i + 1] === '.'))) {
      const m = NUMBER.exec(text.slice(i, i + 400));
      if (m) {
        i += m[0].length;
        // Names may start with digits after a dot (`metrics.1st`): the parser glues them back.
        tokens.push({ kind: 'number', value: m[0], offset: start, end: i });
        continue;
      }
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', value: c, offset: start, end: i + 1 });
      i += 1;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', value: op, offset: start, end: i + op.length });
      i += op.length;
      continue;
    }
    const hint =
      c === '-' || c === '/' || c === ':' || c === ' '
        ? ' Names with special characters must be quoted, like metrics."val-loss" or metrics.`val-loss`.'
        : '';
    return {
      ok: false,
      error: filterErrorAt(text, 'unexpected_character', `Unexpected character ${JSON.stringify(c)}.${hint}`, start, 1),
    };
  }
  tokens.push({ kind: 'eof', value: '', offset: text.length, end: text.length });
  return { ok: true, tokens };
}
