/**
 * The runs as the views show them: keyed by name across sources (core's unifyRunKeys), so a
 * git experiment's `metrics.csv:val_iou` and an MLflow run's `val_iou` are one column. Each
 * stored run is re-keyed once and remembered; MLflow runs pass through as the same object.
 */
import { type KeyedRun, type Run, unifyRunKeys } from '@cairn/core/runs';

const keyed = new WeakMap<Run, KeyedRun>();

export function keyedRun(run: Run): KeyedRun {
  if (run.source.kind !== 'git') return run;
  let k = keyed.get(run);
  if (!k) {
    k = unifyRunKeys(run);
    keyed.set(run, k);
  }
  return k;
}
