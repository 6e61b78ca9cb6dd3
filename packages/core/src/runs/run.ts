/**
 * The one run model shared by MLflow runs and git experiments. The server's run feed sends it,
 * the app stores it in Dexie, and the filter language and order_by evaluate over it, so a
 * filter means the same thing on the server and in the browser.
 *
 * Maps are plain records built with `Object.fromEntries`/`JSON.parse` (own properties only, so a
 * key like `__proto__` is data); read them with `Object.hasOwn` (see `runValue`).
 */
import { deepEqual } from '../yaml/deep-equal.ts';

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

export type LifecycleStage = 'active' | 'deleted';

/** Where a run came from: an MLflow run on the server, or a commit carrying metrics. */
export type RunSource =
  | { kind: 'mlflow'; runId: string; experimentId: string }
  | { kind: 'git'; commit: string; branch: string };

/** A metric's value as the table and charts show it: the latest value, and the range seen. */
export interface MetricSummary {
  /** The latest value: greatest (step, timestamp, value), MLflow's rule for "latest". */
  last: number;
  min: number;
  max: number;
  /** Step and timestamp (epoch ms) of `last`. */
  step: number;
  timestamp: number;
  /** How many points the history holds. */
  count: number;
}

export interface Run {
  /** Stable id: the MLflow run id, or the commit id for a git experiment. */
  id: string;
  source: RunSource;
  name: string;
  status: RunStatus;
  lifecycleStage: LifecycleStage;
  /** Epoch ms; null when unknown. */
  startTime: number | null;
  endTime: number | null;
  userId: string;
  artifactUri: string;
  params: Record<string, string>;
  /** Latest value of each metric (same as `metricSummaries[key].last`). */
  metrics: Record<string, number>;
  metricSummaries: Record<string, MetricSummary>;
  tags: Record<string, string>;
}

/**
 * Whether two runs hold the same data, every field (a NaN equals a NaN). A view sent a run again
 * (each change to the runs held asks the rows in view anew) keeps the object it has when they are
 * the same, so nothing drawn from it is drawn again.
 */
export function sameRun(a: Run, b: Run): boolean {
  return deepEqual(a, b);
}

/** One logged metric point, as MLflow logs it. */
export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

/**
 * True when point `a` is "later" than `b` by MLflow's rule: compare step, then timestamp, then
 * value (the SQL store keeps the greatest of these tuples as the latest metric).
 */
export function isLaterPoint(a: Omit<MetricPoint, 'key'>, b: Omit<MetricPoint, 'key'>): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return compareNumbersNanLast(a.value, b.value) > 0;
}

/** Folds a metric history into a summary per key (latest, min, max, count). */
export function summarizeMetrics(points: Iterable<MetricPoint>): Record<string, MetricSummary> {
  const byKey = new Map<string, MetricSummary>();
  for (const p of points) {
    const cur = byKey.get(p.key);
    if (!cur) {
      byKey.set(p.key, { last: p.value, min: p.value, max: p.value, step: p.step, timestamp: p.timestamp, count: 1 });
      continue;
    }
    cur.count += 1;
    if (p.value < cur.min || Number.isNaN(cur.min)) cur.min = p.value;
    if (p.value > cur.max || Number.isNaN(cur.max)) cur.max = p.value;
    if (isLaterPoint(p, { value: cur.last, step: cur.step, timestamp: cur.timestamp })) {
      cur.last = p.value;
      cur.step = p.step;
      cur.timestamp = p.timestamp;
    }
  }
  return Object.fromEntries(byKey);
}

/** Latest values from summaries: the `metrics` field of a run. */
export function latestMetrics(summaries: Record<string, MetricSummary>): Record<string, number> {
  return Object.fromEntries(Object.entries(summaries).map(([k, s]) => [k, s.last]));
}

/** Numbers ascending with NaN after every number (MLflow sorts NaN metrics above +inf). */
export function compareNumbersNanLast(a: number, b: number): number {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A JSON number that may have been sent as "NaN", "Infinity" or "-Infinity" (JSON has none). */
export function numberFromWire(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

/**
 * A run as the server's feed sends it, with non-finite metric values revived. Trusts the
 * shape (the feed is Cairn's own); only the numbers JSON cannot carry are converted.
 */
export function runFromWire(json: Run): Run {
  const metricSummaries = Object.fromEntries(
    Object.entries(json.metricSummaries ?? {}).map(([k, s]) => [
      k,
      { ...s, last: numberFromWire(s.last), min: numberFromWire(s.min), max: numberFromWire(s.max) },
    ]),
  );
  return {
    ...json,
    metricSummaries,
    metrics: Object.fromEntries(Object.entries(json.metrics ?? {}).map(([k, v]) => [k, numberFromWire(v)])),
  };
}
