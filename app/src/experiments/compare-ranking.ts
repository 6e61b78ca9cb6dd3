/**
 * The compare page's answer first: its runs ranked by the charted metric (last value), best
 * first — lower is better for losses, errors and times, higher otherwise (run-columns.ts
 * lowerIsBetter) — so the side-by-side table opens on the best runs and the page can name the
 * best one. Runs without a value of the metric keep their order, after the others.
 */
import type { Run } from '@cairn/core/runs';
import { type Column, cellValue, lowerIsBetter } from './run-columns.ts';

export interface Ranking {
  /** Every run, best first. */
  runs: Run[];
  /** The best run and its value (null when no run has a value of the metric). */
  best: { run: Run; value: number } | null;
  lowerIsBetter: boolean;
  /** How many runs have a value of the metric. */
  withValue: number;
}

export function rankRuns(runs: readonly Run[], metric: Column | null): Ranking {
  if (!metric) return { runs: [...runs], best: null, lowerIsBetter: false, withValue: 0 };
  const lower = lowerIsBetter(metric.key);
  const valued: { run: Run; value: number; at: number }[] = [];
  const rest: Run[] = [];
  runs.forEach((run, at) => {
    const v = cellValue(run, metric);
    if (typeof v === 'number' && !Number.isNaN(v)) valued.push({ run, value: v, at });
    else rest.push(run);
  });
  // Ties keep the runs' order (the sort is stable; `at` is only a tie-break for clarity).
  valued.sort((a, b) => (lower ? a.value - b.value : b.value - a.value) || a.at - b.at);
  const first = valued[0];
  return {
    runs: [...valued.map((v) => v.run), ...rest],
    best: first ? { run: first.run, value: first.value } : null,
    lowerIsBetter: lower,
    withValue: valued.length,
  };
}
