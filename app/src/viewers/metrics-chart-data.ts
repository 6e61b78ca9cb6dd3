/**
 * A DagsHub `metrics.csv` (rows `Name,Value,Timestamp,Step`) shaped for a line chart: one series
 * per metric name against Step, aligned on the union of steps as uPlot wants them. Parsing is
 * core's (`parseDagshubMetrics`); this only reshapes. A metric logged twice at one step keeps
 * its latest value (as DagsHub shows it); text values, NaN and ±Infinity are gaps.
 */
import { DAGSHUB_METRICS_HEADER, type DagshubMetricRow, dagshubMetricSeries } from '@cairn/core/dagshub';

export interface MetricsChartData {
  /** Metric names, in the order they first appear in the file. */
  names: string[];
  /** Every step any metric was logged at, ascending. */
  steps: Float64Array;
  /** Per name, its value at each step; NaN where it has none. */
  values: Float64Array[];
}

/** True when a CSV's header is the DagsHub logger's (`Name,Value,Timestamp,Step`). */
export function isDagshubMetricsHeader(header: readonly string[]): boolean {
  return header.join(',') === DAGSHUB_METRICS_HEADER;
}

/** @example metricsChartData(parsed.rows).names // ['loss', 'acc'] */
export function metricsChartData(rows: readonly DagshubMetricRow[]): MetricsChartData {
  const series = dagshubMetricSeries([...rows]);
  const stepSet = new Set<number>();
  for (const row of rows) stepSet.add(row.step);
  const steps = Float64Array.from([...stepSet].sort((a, b) => a - b));
  const at = new Map<number, number>();
  for (const [i, s] of steps.entries()) at.set(s, i);
  const names = [...series.keys()];
  const values = names.map((name) => {
    const ys = new Float64Array(steps.length).fill(Number.NaN);
    // Ordered by step then timestamp: a later row of the same step overwrites an earlier one.
    for (const row of series.get(name) ?? []) {
      const i = at.get(row.step) as number;
      ys[i] = typeof row.value === 'number' && Number.isFinite(row.value) ? row.value : Number.NaN;
    }
    return ys;
  });
  return { names, steps, values };
}

/** How many metrics are drawn before the reader picks: more lines than this are noise. */
export const DEFAULT_SHOWN = 6;

/** The metrics drawn first: all of them when few, else the first DEFAULT_SHOWN. */
export function defaultShown(names: readonly string[]): string[] {
  return names.slice(0, DEFAULT_SHOWN);
}
