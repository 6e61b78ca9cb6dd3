import { type FilterError, filterErrorAt } from './filter-error.ts';
import { type Token, tokenize } from './filter-lexer.ts';
import {
  type AttributeSpec,
  ENTITY_PREFIXES,
  type FilterEntity,
  type FilterSchema,
  RUN_FILTER_SCHEMA,
} from './filter-schema.ts';

/**
 * Parser of MLflow's search syntax (`metrics.acc > 0.9 and params.lr = '0.01'`) plus Cairn's
 * additions: `OR` (binding looser than `AND`), parentheses, and `IN (…)` / `NOT IN (…)`.
 * Typing follows MLflow: metrics and numeric attributes take numbers and the comparators
 * `= != < <= > >=`; params, tags and string attributes take quoted strings and `= != LIKE ILIKE`.
 * Never throws: every mistake is a FilterError pointing at the offending token.
 */

export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE';

export interface Identifier {
  entity: FilterEntity;
  /** The key as logged (for attributes, the canonical attribute name). */
  key: string;
  /** For attributes: how values compare. Metrics are numbers; params and tags strings. */
  type: 'string' | 'number';
  offset: number;
  end: number;
}

export type FilterNode =
  | { kind: 'and'; items: FilterNode[] }
  | { kind: 'or'; items: FilterNode[] }
  | { kind: 'compare'; id: Identifier; op: Comparator; value: string | number }
  | { kind: 'in'; id: Identifier; negated: boolean; values: Array<string | number> };

export type FilterParseResult = { ok: true; value: FilterNode | null } | { ok: false; error: FilterError };

/** Parentheses may nest this deep (deeper input is refused rather than overflowing the stack). */
export const MAX_FILTER_DEPTH = 64;

/** Keywords that cannot stand as a bare attribute name. */
const RESERVED = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE', 'ASC', 'DESC']);

const NUMERIC_OPS: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
const STRING_OPS: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];

/** Signals a parse failure inside the recursive descent; caught only by `attempt`. */
class Stop {
  constructor(readonly error: FilterError) {}
}

/** Runs a parse, turning the failure signal into a result (so the parsers never throw). */
export function attempt<T>(parse: () => T): { ok: true; value: T } | { ok: false; error: FilterError } {
  try {
    return { ok: true, value: parse() };
  } catch (e) {
    if (e instanceof Stop) return { ok: false, error: e.error };
    throw e;
  }
}

/**
 * Parses a filter. Empty (or blank) text is `null`: every run matches.
 *
 * @example parseFilter("metrics.acc > 0.9 and params.opt IN ('adam', 'sgd')")
 */
export function parseFilter(
  text: string,
  schema: FilterSchema = RUN_FILTER_SCHEMA,
  options: FilterOptions = {},
): FilterParseResult {
  const lexed = tokenize(text);
  if (!lexed.ok) return lexed;
  const p = new Parser(text, lexed.tokens, schema, options);
  return attempt(() => {
    if (p.peek().kind === 'eof') return null;
    const node = p.expression(0);
    const t = p.peek();
    if (t.kind !== 'eof') {
      const what = t.kind === 'rparen' ? 'a ")" with no "(" to close' : `${p.show(t)}`;
      p.fail(t, 'unexpected_token', `Expected AND, OR or the end of the filter, found ${what}.`);
    }
    return node;
  });
}

export interface FilterOptions {
  /**
   * Accept an unquoted number for a param, tag or string attribute and compare it as the text
   * written (`params.batch_size = 16` matches the param "16"). MLflow refuses it (the server's
   * search API stays strict); the app's filter box accepts it and says so.
   */
  bareNumbersAsText?: boolean;
}

/** Recursive-descent state over the tokens of one filter or order_by clause. */
export class Parser {
  private pos = 0;
  constructor(
    readonly text: string,
    readonly tokens: Token[],
    readonly schema: FilterSchema,
    readonly options: FilterOptions = {},
  ) {}

  peek(): Token {
    return this.tokens[this.pos]!;
  }
  next(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind !== 'eof') this.pos += 1;
    return t;
  }
  isKeyword(t: Token, word: string): boolean {
    return t.kind === 'word' && t.value.toUpperCase() === word;
  }
  show(t: Token): string {
    if (t.kind === 'eof') return 'the end of the filter';
    return JSON.stringify(this.text.slice(t.offset, t.end));
  }
  fail(t: Token, code: FilterError['code'], message: string): never {
    throw new Stop(filterErrorAt(this.text, code, message, t.offset, t.end - t.offset));
  }

  expression(depth: number): FilterNode {
    const items = [this.conjunction(depth)];
    while (this.isKeyword(this.peek(), 'OR')) {
      this.next();
      items.push(this.conjunction(depth));
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  conjunction(depth: number): FilterNode {
    const items = [this.primary(depth)];
    while (this.isKeyword(this.peek(), 'AND')) {
      this.next();
      items.push(this.primary(depth));
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  primary(depth: number): FilterNode {
    const t = this.peek();
    if (t.kind === 'lparen') {
      if (depth >= MAX_FILTER_DEPTH) {
        this.fail(t, 'too_deep', `Parentheses may nest at most ${MAX_FILTER_DEPTH} deep.`);
      }
      this.next();
      const inner = this.expression(depth + 1);
      const close = this.peek();
      if (close.kind !== 'rparen') this.fail(close, 'unexpected_token', `Expected ")", found ${this.show(close)}.`);
      this.next();
      return inner;
    }
    return this.comparison();
  }

  comparison(): FilterNode {
    const id = this.identifier(false);
    const t = this.next();
    let negated = false;
    let opTok = t;
    if (this.isKeyword(t, 'NOT')) {
      negated = true;
      opTok = this.next();
      if (!this.isKeyword(opTok, 'IN'))
        this.fail(opTok, 'unexpected_token', `Expected IN after NOT, found ${this.show(opTok)}.`);
    }
    if (this.isKeyword(opTok, 'IN')) return this.inList(id, negated);
    let op: Comparator;
    if (t.kind === 'op') op = t.value as Comparator;
    else if (this.isKeyword(t, 'LIKE')) op = 'LIKE';
    else if (this.isKeyword(t, 'ILIKE')) op = 'ILIKE';
    else {
      return this.fail(
        t,
        'unexpected_token',
        `Expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN) after ${this.describeId(id)}, found ${this.show(t)}.`,
      );
    }
    const allowed = id.type === 'number' ? NUMERIC_OPS : STRING_OPS;
    if (!allowed.includes(op)) {
      this.fail(
        t,
        'invalid_comparator',
        `${this.describeId(id)} compares as a ${id.type}: use one of ${allowed.join(', ')} or IN, not ${op}.`,
      );
    }
    const value = this.value(id);
    return { kind: 'compare', id, op, value };
  }

  inList(id: Identifier, negated: boolean): FilterNode {
    const open = this.next();
    if (open.kind !== 'lparen') this.fail(open, 'unexpected_token', `Expected "(" after IN, found ${this.show(open)}.`);
    const values: Array<string | number> = [this.value(id)];
    for (;;) {
      const t = this.next();
      if (t.kind === 'rparen') break;
      if (t.kind !== 'comma')
        this.fail(t, 'unexpected_token', `Expected "," or ")" in the IN list, found ${this.show(t)}.`);
      values.push(this.value(id));
    }
    return { kind: 'in', id, negated, values };
  }

  value(id: Identifier): string | number {
    const t = this.next();
    if (id.type === 'number') {
      if (t.kind === 'number') return Number(t.value);
      return this.fail(
        t,
        'invalid_value',
        `${this.describeId(id)} is a number: expected a number like 0.5, found ${this.show(t)}.`,
      );
    }
    if (t.kind === 'single' || t.kind === 'double') return t.value;
    if (t.kind === 'number' && this.options.bareNumbersAsText) return t.value;
    return this.fail(
      t,
      'invalid_value',
      `${this.describeId(id)} is a string: expected a quoted value like '${t.kind === 'number' ? t.value : 'value'}', found ${this.show(t)}.`,
    );
  }

  describeId(id: Identifier): string {
    return JSON.stringify(this.text.slice(id.offset, id.end));
  }

  /**
   * `entity.key` or a bare attribute name. The key is a quoted token (backticks, double or
   * single quotes) or a run of adjacent words, numbers and dots (`metrics.train.loss_1`).
   */
  identifier(forOrderBy: boolean): Identifier {
    const first = this.next();
    if (first.kind === 'word' && RESERVED.has(first.value.toUpperCase())) {
      this.fail(
        first,
        'unexpected_token',
        `Expected a name like metrics.accuracy or params.lr, found ${this.show(first)}.`,
      );
    }
    const afterFirst = this.peek();
    let entity: FilterEntity = 'attribute';
    let keyStart = first;
    if (first.kind === 'word' && afterFirst.kind === 'dot' && afterFirst.offset === first.end) {
      const e = ENTITY_PREFIXES[first.value.toLowerCase()];
      if (!e || !this.schema.entities.has(e)) {
        const known = Object.keys(ENTITY_PREFIXES).filter((k) => this.schema.entities.has(ENTITY_PREFIXES[k]!));
        this.fail(
          first,
          'unknown_entity',
          `Unknown identifier type ${this.show(first)}: expected one of ${known.join(', ')}.`,
        );
      }
      entity = e;
      this.next();
      keyStart = this.next();
    } else if (first.kind !== 'word' && first.kind !== 'backtick' && first.kind !== 'double') {
      this.fail(
        first,
        'unexpected_token',
        `Expected a name like metrics.accuracy or params.lr, found ${this.show(first)}.`,
      );
    }
    let key: string;
    let end = keyStart.end;
    if (keyStart.kind === 'backtick' || keyStart.kind === 'double' || keyStart.kind === 'single') {
      key = keyStart.value;
    } else if (keyStart.kind === 'word' || keyStart.kind === 'number') {
      key = this.text.slice(keyStart.offset, keyStart.end);
      for (;;) {
        const t = this.peek();
        if (t.offset !== end || (t.kind !== 'word' && t.kind !== 'number' && t.kind !== 'dot')) break;
        this.next();
        key += this.text.slice(t.offset, t.end);
        end = t.end;
      }
    } else {
      return this.fail(
        keyStart,
        'unexpected_token',
        `Expected a name after ${this.show(first)}, found ${this.show(keyStart)}.`,
      );
    }
    if (key === '') this.fail(keyStart, 'unexpected_token', 'Names may not be empty.');
    if (entity === 'attribute') {
      const spec: AttributeSpec | undefined =
        (Object.hasOwn(this.schema.attributes, key) ? this.schema.attributes[key] : undefined) ??
        (forOrderBy && this.schema.orderOnlyAttributes && Object.hasOwn(this.schema.orderOnlyAttributes, key)
          ? this.schema.orderOnlyAttributes[key]
          : undefined);
      if (!spec) {
        const names = Object.keys(this.schema.attributes).join(', ');
        this.fail(
          { ...keyStart, end },
          'unknown_attribute',
          `Unknown attribute ${JSON.stringify(key)}: expected one of ${names}, or a metrics., params. or tags. name.`,
        );
      }
      return { entity, key: spec.canonical, type: spec.type, offset: first.offset, end };
    }
    return { entity, key, type: entity === 'metric' ? 'number' : 'string', offset: first.offset, end };
  }
}
