import { invalid } from './errors.ts';

/**
 * Reading MLflow request fields from untrusted JSON or query strings, with MLflow's own rules
 * (mlflow/utils/validation.py): int64 fields may come as strings, `run_uuid` is the old name of
 * `run_id`, metric values may be "NaN"/"Infinity" strings (protobuf JSON), names match
 * `^[/\w.\- :]*$` and must be normalised paths, and values have length limits.
 */

export type Input = Record<string, unknown>;

export const LIMITS = {
  maxEntityKeyLength: 250,
  maxParamValueLength: 6000,
  maxTagValueLength: 8000,
  maxExperimentTagValueLength: 5000,
  maxNameLength: 500,
  maxMetricsPerBatch: 1000,
  maxParamsTagsPerBatch: 100,
  maxEntitiesPerBatch: 1000,
  searchDefaultResults: 1000,
  searchMaxResults: 50000,
} as const;

export function optionalString(input: Input, field: string): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return optionalString({ [field]: v[0] }, field);
  if (typeof v !== 'string') throw invalid(`Field '${field}' must be a string, got ${JSON.stringify(v)}.`);
  return v;
}

export function requiredString(input: Input, field: string): string {
  const v = optionalString(input, field);
  if (v === undefined || v === '') throw invalid(`Missing value for required parameter '${field}'.`);
  return v;
}

/** An int64 field: a JSON number or a decimal string. */
export function optionalInt(input: Input, field: string): number | undefined {
  let v = input[field];
  if (Array.isArray(v)) v = v[0];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' && /^-?\d{1,19}$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw invalid(`Field '${field}' must be an integer (int64), got ${JSON.stringify(v)}.`);
  }
  return n;
}

/** A double: a JSON number, a numeric string, or "NaN" / "Infinity" / "-Infinity". */
export function requiredDouble(input: Input, field: string): number {
  const v = input[field];
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === 'NaN' || t === 'nan') return Number.NaN;
    if (t === 'Infinity' || t === 'inf') return Number.POSITIVE_INFINITY;
    if (t === '-Infinity' || t === '-inf') return Number.NEGATIVE_INFINITY;
    if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  }
  if (v === undefined || v === null) throw invalid(`Missing value for required parameter '${field}'.`);
  throw invalid(`Got invalid value ${JSON.stringify(v)} for '${field}': expected a number.`);
}

/** `run_id`, or its deprecated alias `run_uuid`. */
export function runIdOf(input: Input): string {
  const id = optionalString(input, 'run_id') || optionalString(input, 'run_uuid');
  if (!id) throw invalid("Missing value for required parameter 'run_id'.");
  return id;
}

export function experimentIdOf(input: Input, field = 'experiment_id'): number {
  const raw = input[field];
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined || v === null || v === '') throw invalid(`Missing value for required parameter '${field}'.`);
  const s = String(v);
  if (!/^\d{1,15}$/.test(s)) throw invalid(`No experiment with id ${JSON.stringify(s)}: ids are decimal numbers.`);
  return Number(s);
}

const VALID_NAME = /^[/\w.\- :]*$/u;

/** MLflow's rule for metric, param and tag keys. */
export function validateKey(kind: 'metric' | 'param' | 'tag', key: unknown): string {
  if (typeof key !== 'string' || key === '') throw invalid(`Missing value for required parameter 'key' of a ${kind}.`);
  if (key.length > LIMITS.maxEntityKeyLength) {
    throw invalid(`The ${kind} name '${key.slice(0, 40)}…' is longer than ${LIMITS.maxEntityKeyLength} characters.`);
  }
  if (!VALID_NAME.test(key)) {
    throw invalid(
      `Invalid ${kind} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/).`,
    );
  }
  if (!isNormalisedPath(key)) {
    throw invalid(
      `Invalid ${kind} name: '${key}'. Names must be normalised paths (no '//', './', '..' or leading '/').`,
    );
  }
  return key;
}

function isNormalisedPath(name: string): boolean {
  if (name.startsWith('/') || name.endsWith('/')) return false;
  return name.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

export function validateValue(kind: 'param' | 'tag' | 'experiment tag', key: string, value: unknown): string {
  if (value === undefined || value === null) {
    if (kind === 'param') throw invalid(`Missing value for required parameter 'value' of param '${key}'.`);
    return '';
  }
  if (typeof value !== 'string') {
    // Old clients send numbers for params; MLflow stores their string form.
    if (typeof value === 'number' || typeof value === 'boolean') return validateValue(kind, key, String(value));
    throw invalid(`The value of ${kind} '${key}' must be a string.`);
  }
  const max =
    kind === 'param'
      ? LIMITS.maxParamValueLength
      : kind === 'tag'
        ? LIMITS.maxTagValueLength
        : LIMITS.maxExperimentTagValueLength;
  if (value.length > max) {
    throw invalid(`The value of ${kind} '${key}' is ${value.length} characters long; the limit is ${max}.`);
  }
  return value;
}

export function maxResultsOf(input: Input, fallback: number = LIMITS.searchDefaultResults): number {
  const n = optionalInt(input, 'max_results');
  if (n === undefined) return fallback;
  if (n < 1 || n > LIMITS.searchMaxResults) {
    throw invalid(`Invalid value ${n} for parameter 'max_results': it must be from 1 to ${LIMITS.searchMaxResults}.`);
  }
  return n;
}

/** Offset page tokens, opaque to clients (base64 JSON, as MLflow's own). */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

export function decodePageToken(input: Input): number {
  const token = optionalString(input, 'page_token');
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    if (typeof parsed.offset === 'number' && Number.isSafeInteger(parsed.offset) && parsed.offset >= 0) {
      return parsed.offset;
    }
  } catch {
    // fall through to the error below
  }
  throw invalid(`Invalid page token ${JSON.stringify(token.slice(0, 60))}.`);
}

/** A list field: an array, or one value (query strings repeat keys). */
export function listOf(input: Input, field: string): unknown[] {
  const v = input[field];
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export function viewTypeOf(input: Input, field: string): ViewType {
  const v = optionalString(input, field) ?? 'ACTIVE_ONLY';
  const map: Record<string, ViewType> = {
    ACTIVE_ONLY: 'ACTIVE_ONLY',
    DELETED_ONLY: 'DELETED_ONLY',
    ALL: 'ALL',
    '1': 'ACTIVE_ONLY',
    '2': 'DELETED_ONLY',
    '3': 'ALL',
  };
  const t = map[v.toUpperCase()];
  if (!t) throw invalid(`Invalid ${field} ${JSON.stringify(v)}: expected ACTIVE_ONLY, DELETED_ONLY or ALL.`);
  return t;
}

export function stageMatches(view: ViewType, stage: string): boolean {
  return view === 'ALL' || (view === 'ACTIVE_ONLY' ? stage === 'active' : stage === 'deleted');
}
