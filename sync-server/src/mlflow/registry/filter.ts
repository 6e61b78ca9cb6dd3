import { invalid } from '../errors.ts';

/**
 * The registry's search filters, as MLflow's registry stores accept them
 * (mlflow/utils/search_utils.py SearchModelUtils / SearchModelVersionUtils): comparisons joined
 * by AND, each `attribute OP value` where the attribute is `name`, `run_id`, `source_path`,
 * `version_number`, `tags.KEY` or `tags.\`KEY\``, OP is =, !=, LIKE, ILIKE (or IN for
 * `run_id`), and values are quoted strings (or a parenthesised list for IN, a number for
 * `version_number`). Anything else is an INVALID_PARAMETER_VALUE naming the problem.
 */

export interface Clause {
  /** `name`, `run_id`, `source_path`, `version_number`, or `tags.<key>`. */
  attribute: string;
  op: '=' | '!=' | 'LIKE' | 'ILIKE' | 'IN';
  values: string[];
}

const TOKEN =
  /\s*(?:(`[^`]*`)|('(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*")|(!=|=|\(|\)|,)|([A-Za-z_][\w.]*(?:\.`[^`]*`)?)|(-?\d+))/y;

export function parseRegistryFilter(filter: string, attributes: readonly string[]): Clause[] {
  const text = filter.trim();
  if (text === '') return [];
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) throw invalid(`Invalid filter ${JSON.stringify(filter)}: unexpected text at character ${pos + 1}.`);
    tokens.push(m[0].trim());
    pos = TOKEN.lastIndex;
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  }
  const clauses: Clause[] = [];
  let i = 0;
  const bad = (why: string) => invalid(`Invalid filter ${JSON.stringify(filter)}: ${why}`);
  for (;;) {
    const attrTok = tokens[i++];
    if (attrTok === undefined) throw bad('a comparison is missing.');
    const attribute = attributeOf(attrTok);
    if (!attribute.startsWith('tags.') && !attributes.includes(attribute)) {
      throw bad(`'${attrTok}' is not a searchable attribute (use ${[...attributes, 'tags.<key>'].join(', ')}).`);
    }
    const opTok = (tokens[i++] ?? '').toUpperCase();
    if (!['=', '!=', 'LIKE', 'ILIKE', 'IN'].includes(opTok)) throw bad(`expected a comparison after '${attrTok}'.`);
    const op = opTok as Clause['op'];
    if (op === 'IN' && attribute !== 'run_id') throw bad(`IN is only supported for run_id.`);
    const values: string[] = [];
    if (op === 'IN') {
      if (tokens[i++] !== '(') throw bad('IN needs a parenthesised list of values.');
      for (;;) {
        values.push(literalOf(tokens[i++], bad));
        const sep = tokens[i++];
        if (sep === ')') break;
        if (sep !== ',') throw bad('values in an IN list are separated by commas.');
      }
    } else {
      const v = tokens[i++];
      if (attribute === 'version_number' && v !== undefined && /^-?\d+$/.test(v)) values.push(v);
      else values.push(literalOf(v, bad));
    }
    clauses.push({ attribute, op, values });
    const next = tokens[i++];
    if (next === undefined) return clauses;
    if (next.toUpperCase() !== 'AND') throw bad(`expected AND, got '${next}'.`);
  }
}

function attributeOf(tok: string): string {
  if (tok.startsWith('`')) return tok.slice(1, -1);
  const m = /^(tags|tag)\.(.+)$/i.exec(tok);
  if (m) return `tags.${m[2]!.replace(/^`|`$/g, '')}`;
  return tok;
}

function literalOf(tok: string | undefined, bad: (why: string) => Error): string {
  if (tok === undefined || !/^['"]/.test(tok)) throw bad('values must be quoted strings.');
  const quote = tok[0]!;
  return tok
    .slice(1, -1)
    .replace(quote === "'" ? /''/g : /""/g, quote)
    .replace(/\\(.)/g, '$1');
}

/** SQL LIKE (`%`, `_`) as a regular expression; ILIKE ignores case. */
export function likeMatches(value: string, pattern: string, ignoreCase: boolean): boolean {
  const re = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${re}$`, ignoreCase ? 'is' : 's').test(value);
}

/** Whether `clause` holds for the attribute value `v` (undefined: the attribute is absent). */
export function clauseHolds(clause: Clause, v: string | undefined): boolean {
  if (v === undefined) return false;
  const target = clause.values[0]!;
  switch (clause.op) {
    case '=':
      return v === target;
    case '!=':
      return v !== target;
    case 'LIKE':
      return likeMatches(v, target, false);
    case 'ILIKE':
      return likeMatches(v, target, true);
    case 'IN':
      return clause.values.includes(v);
  }
}
