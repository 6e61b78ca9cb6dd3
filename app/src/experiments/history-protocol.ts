/** Messages between the metric-history chart (HistoryChart.tsx) and its worker. */
import type { HistoryColumns, XAxis } from './history-series.ts';

export interface HistoryRequest {
  id: number;
  runs: { history: HistoryColumns; start: number | null }[];
  xAxis: XAxis;
  smoothing: number;
  /** The chart's width in CSS pixels (bounds the points per series). */
  width: number;
}

export interface HistoryResponse {
  id: number;
  xs: Float64Array;
  /** One per run, NaN where the run has no point at that x. */
  ys: Float64Array[];
  mode: 'exact' | 'grid';
  buckets: number;
  /** The worker's time for this request. */
  ms: number;
  /** Set when the worker failed (crashed or could not load): there is nothing to draw. */
  error?: string;
}
