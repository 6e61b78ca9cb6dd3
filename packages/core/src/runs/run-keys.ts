/**
 * One metric, one column: the keying rule for params and metrics across sources.
 *
 * MLflow logs `val_iou`; the git-experiment scanner names a key after its file when a commit
 * has several metrics (or params) files — `metrics.csv:val_iou`, `metrics.json:val_iou`. For
 * the table, filters, sorting and charts these are the same metric, so a run's keys are
 * re-keyed by name and the file kept as a detail (`keyOrigins`). A run that really holds two
 * different values under one name (two files disagree) keeps both file-qualified keys: that is
 * the only case a name is disambiguated.
 */
import type { MetricSummary, Run } from './run.ts';

/** Where a re-keyed value came from: its file (null when the key named none) and original key. */
export interface KeyOrigin {
  file: string | null;
  key: string;
}

/** Per name, the original keys a run's value was read from (only on runs that were re-keyed). */
export interface KeyOrigins {
  metrics: Record<string, KeyOrigin[]>;
  params: Record<string, KeyOrigin[]>;
}

export type KeyedRun = Run & { keyOrigins?: KeyOrigins };

/** A file-qualified key's prefix: a path ending in a file extension (`metrics.csv`, `a/params.yaml`). */
const FILE_PREFIX = /^([^:]*\.[A-Za-z0-9]+):(.+)$/;

/**
 * Splits a file-qualified key (`metrics.csv:val_iou` → file `metrics.csv`, name `val_iou`).
 * A key without a file prefix is its own name.
 */
export function splitSourcedKey(key: string): KeyOrigin & { name: string } {
  const m = FILE_PREFIX.exec(key);
  return m ? { file: m[1] as string, name: m[2] as string, key } : { file: null, name: key, key };
}

/**
 * Groups keys by name. A name whose keys all carry the same value (`same`) becomes one key;
 * a name with disagreeing values keeps its original keys. Returns null when nothing changes.
 */
function rekey<V>(
  rec: Record<string, V>,
  same: (a: V, b: V) => boolean,
): { names: Map<string, string>; origins: Record<string, KeyOrigin[]> } | null {
  let any = false;
  const byName = new Map<string, (KeyOrigin & { name: string })[]>();
  for (const key of Object.keys(rec)) {
    const s = splitSourcedKey(key);
    if (s.file !== null) any = true;
    const list = byName.get(s.name);
    if (list) list.push(s);
    else byName.set(s.name, [s]);
  }
  if (!any) return null;
  /** original key → the key it is shown under */
  const names = new Map<string, string>();
  const origins: Record<string, KeyOrigin[]> = {};
  for (const [name, list] of byName) {
    const first = rec[(list[0] as KeyOrigin).key] as V;
    if (list.every((o) => same(rec[o.key] as V, first))) {
      for (const o of list) names.set(o.key, name);
      origins[name] = list.map(({ file, key }) => ({ file, key }));
    } else {
      // Two different values under one name in one run: both stay file-qualified.
      for (const o of list) {
        names.set(o.key, o.key);
        origins[o.key] = [{ file: o.file, key: o.key }];
      }
    }
  }
  return { names, origins };
}

const sameNumber = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

/**
 * The run with its params and metrics keyed by name (see the header). Runs whose keys name no
 * file (every MLflow run) are returned as they are, the same object.
 *
 * @example unifyRunKeys(gitRun).metrics.val_iou // was metrics['metrics.csv:val_iou']
 */
export function unifyRunKeys(run: Run): KeyedRun {
  const m = rekey(run.metrics, sameNumber);
  const p = rekey(run.params, (a, b) => a === b);
  if (!m && !p) return run;
  let metrics = run.metrics;
  let metricSummaries = run.metricSummaries;
  if (m) {
    const outMetrics: Record<string, number> = {};
    const outSummaries: Record<string, MetricSummary> = {};
    const summaryKeys = new Map<string, string>();
    for (const [key, value] of Object.entries(run.metrics)) {
      const name = m.names.get(key) as string;
      // Keys that agree give one value whatever their order: 0 and -0 agree, and which came
      // last depends on the order of the run's keys (a decoded block's follow its columns).
      outMetrics[name] = (m.origins[name]?.length ?? 1) > 1 ? value + 0 : value;
      const s = Object.hasOwn(run.metricSummaries, key) ? run.metricSummaries[key] : undefined;
      const kept = Object.hasOwn(outSummaries, name) ? outSummaries[name] : undefined;
      // The same metric in two files: keep the summary with the longer history (metrics.csv's
      // series rather than metrics.json's one final value). Equal lengths: the first key by
      // name, so the choice does not hang on the order of the run's keys (0 and -0 agree as
      // values, but their summaries differ).
      const keptKey = summaryKeys.get(name);
      if (s && (!kept || s.count > kept.count || (s.count === kept.count && keptKey !== undefined && key < keptKey))) {
        outSummaries[name] = s;
        summaryKeys.set(name, key);
      }
    }
    metrics = outMetrics;
    metricSummaries = outSummaries;
  }
  let params = run.params;
  if (p) {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(run.params)) out[p.names.get(key) as string] = value;
    params = out;
  }
  return {
    ...run,
    metrics,
    metricSummaries,
    params,
    keyOrigins: { metrics: m?.origins ?? {}, params: p?.origins ?? {} },
  };
}

/** The key a run stored a value under (to read its metric history), from the name shown. */
export function originalKey(run: KeyedRun, entity: 'metric' | 'param', name: string): string {
  const o = run.keyOrigins?.[entity === 'metric' ? 'metrics' : 'params'];
  const list = o && Object.hasOwn(o, name) ? o[name] : undefined;
  return list?.[0]?.key ?? name;
}

/** The files a run's value came from, for the table's detail ([] when the key named none). */
export function keyFiles(run: KeyedRun, entity: 'metric' | 'param', name: string): string[] {
  const o = run.keyOrigins?.[entity === 'metric' ? 'metrics' : 'params'];
  const list = o && Object.hasOwn(o, name) ? o[name] : undefined;
  return (list ?? []).flatMap((x) => (x.file === null ? [] : [x.file]));
}
