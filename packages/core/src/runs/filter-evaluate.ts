import type { FilterNode, Identifier } from './filter-parser.ts';
import type { FilterEntity } from './filter-schema.ts';
import type { Run } from './run.ts';
import { type KeyedRun, splitSourcedKey } from './run-keys.ts';

/**
 * Evaluates parsed filters. Semantics follow MLflow's stores: a run that lacks the named
 * metric, param or tag never matches a comparison on it (not even `!=` or `NOT IN`); metrics
 * compare as numbers; strings compare exactly, `LIKE` is case-sensitive with `%` and `_`
 * wildcards over the whole value, `ILIKE` the same ignoring case.
 */

/** Reads the value an identifier names from an item; undefined/null when the item lacks it. */
export type ValueAccessor<T> = (item: T, entity: FilterEntity, key: string) => string | number | null | undefined;

/** What a run holds under an identifier (the run model's accessor). */
export function runValue(run: Run, entity: FilterEntity, key: string): string | number | null | undefined {
  switch (entity) {
    case 'metric':
      return Object.hasOwn(run.metrics, key) ? run.metrics[key] : qualifiedValue(run, 'metrics', key);
    case 'param':
      return Object.hasOwn(run.params, key) ? run.params[key] : qualifiedValue(run, 'params', key);
    case 'tag':
      return Object.hasOwn(run.tags, key) ? run.tags[key] : undefined;
    case 'attribute':
      switch (key) {
        case 'run_id':
          return run.id;
        case 'run_name':
          return run.name;
        case 'status':
          return run.status;
        case 'artifact_uri':
          return run.artifactUri;
        case 'user_id':
          return run.userId;
        case 'start_time':
          return run.startTime;
        case 'end_time':
          return run.endTime;
        case 'lifecycle_stage':
          return run.lifecycleStage;
        case 'experiment_id':
          return run.source.kind === 'mlflow' ? run.source.experimentId : null;
        default:
          return undefined;
      }
  }
}

/**
 * A file-qualified key (`metrics.csv:val_iou`) on a run keyed by name (see run-keys.ts): the
 * value its file gave, so filters written before metrics were keyed by name still match.
 */
function qualifiedValue<E extends 'metrics' | 'params'>(
  run: KeyedRun,
  entity: E,
  key: string,
): Run[E][string] | undefined {
  const origins = run.keyOrigins?.[entity];
  if (!origins) return undefined;
  const { file, name } = splitSourcedKey(key);
  if (file === null || !Object.hasOwn(origins, name) || !Object.hasOwn(run[entity], name)) return undefined;
  return origins[name]?.some((o) => o.file === file) ? (run[entity][name] as Run[E][string]) : undefined;
}

/** SQL LIKE pattern → anchored regular expression (`%` any run, `_` one character). */
export function likeToRegExp(pattern: string, ignoreCase: boolean): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, ignoreCase ? 'isu' : 'su');
}

/**
 * Compiles a parsed filter into a predicate (regular expressions built once, so filtering
 * 10,000 runs does no parsing). `null` — the empty filter — matches everything.
 *
 * @example const keep = compileFilter(parsed.value, runValue); runs.filter(keep)
 */
export function compileFilter<T>(node: FilterNode | null, access: ValueAccessor<T>): (item: T) => boolean {
  if (node === null) return () => true;
  switch (node.kind) {
    case 'and': {
      const parts = node.items.map((n) => compileFilter(n, access));
      return (item) => parts.every((p) => p(item));
    }
    case 'or': {
      const parts = node.items.map((n) => compileFilter(n, access));
      return (item) => parts.some((p) => p(item));
    }
    case 'in': {
      const { id, negated } = node;
      const set = new Set<string | number>(node.values);
      return (item) => {
        const v = readTyped(item, id, access);
        if (v === undefined) return false;
        return set.has(v) !== negated;
      };
    }
    case 'compare': {
      const { id, op, value } = node;
      if (op === 'LIKE' || op === 'ILIKE') {
        const re = likeToRegExp(String(value), op === 'ILIKE');
        return (item) => {
          const v = readTyped(item, id, access);
          return typeof v === 'string' && re.test(v);
        };
      }
      return (item) => {
        const v = readTyped(item, id, access);
        if (v === undefined) return false;
        return compareWith(op, v, value);
      };
    }
  }
}

/** The item's value, coerced to the identifier's type; undefined when absent or unusable. */
function readTyped<T>(item: T, id: Identifier, access: ValueAccessor<T>): string | number | undefined {
  const v = access(item, id.entity, id.key);
  if (v === undefined || v === null) return undefined;
  if (id.type === 'number') {
    const n = typeof v === 'number' ? v : Number(v);
    return Number.isNaN(n) && typeof v !== 'number' ? undefined : n;
  }
  return typeof v === 'string' ? v : String(v);
}

function compareWith(op: string, a: string | number, b: string | number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return false;
  }
}

/**
 * The text of runs' notes by run id, as the app reads them from its notes (core holds no notes):
 * what the `note` attribute of NOTED_RUN_FILTER_SCHEMA compares. A run missing here has no note.
 */
export type RunNotes = ReadonlyMap<string, string>;

/**
 * Compiles a filter over the run model; with `notes`, `note` reads a run's note text there ('' for
 * a run without one, so `note = ''` finds the runs nobody wrote about).
 */
export function compileRunFilter(node: FilterNode | null, notes?: RunNotes): (run: Run) => boolean {
  if (!notes) return compileFilter(node, runValue);
  return compileFilter(node, (run, entity, key) =>
    entity === 'attribute' && key === 'note' ? (notes.get(run.id) ?? '') : runValue(run, entity, key),
  );
}
