/**
 * Messages between the metric-history chart (HistoryChart.tsx) and its worker
 * (history.worker.ts). A chart asks the worker to `prepare` its series — read from the store
 * by the worker itself, or given — and, for many runs, to `draw` them: the worker keeps the
 * shaped series and answers each draw with a bitmap of the lines, so a million points never
 * cross the page's thread and uPlot only draws axes.
 */
import type { HistoryColumns, XAxis } from './history-series.ts';

/** A history's key in the store (run-store.ts histories). */
export interface StoredKey {
  repo: string;
  runId: string;
  key: string;
}

/** Where one run's history comes from: given by the page, or read by the worker from the store. */
export type HistorySource = { history: HistoryColumns } | { stored: StoredKey };

export interface HistoryPrepare {
  type: 'prepare';
  id: number;
  /** The chart (its shaped series are kept under this number for `draw`). */
  chart: number;
  runs: (HistorySource & { start: number | null })[];
  /** The page visit asking (stored histories read in one visit are kept for it, not the next). */
  visit: number;
  xAxis: XAxis;
  smoothing: number;
  /** The chart's width in CSS pixels (bounds the points per series). */
  width: number;
  /** Keep the series in the worker and answer with their envelope (the page asks for `draw`s). */
  drawHere: boolean;
}

/** Where and how to draw a chart's lines: uPlot's plot box and scales, in canvas pixels. */
export interface HistoryDraw {
  type: 'draw';
  id: number;
  chart: number;
  /** The canvas's size in device pixels (uPlot's canvas). */
  width: number;
  height: number;
  /** uPlot's plot area in device pixels. */
  box: { left: number; top: number; width: number; height: number };
  x: { min: number; max: number };
  y: { min: number; max: number; log: boolean };
  /** Line width in device pixels. */
  lineWidth: number;
  /** One colour per run, in the prepared order. */
  colors: string[];
}

export interface HistoryDispose {
  type: 'dispose';
  id: number;
  chart: number;
}

/**
 * Start reading and shaping these histories: a chart will ask for the same soon (its `prepare`
 * joins this work). `width` is a guess; it only counts as the buckets it makes.
 */
export type HistoryPrefetch = Pick<HistoryPrepare, 'runs' | 'visit' | 'xAxis' | 'smoothing' | 'width'> & {
  type: 'prefetch';
  id: number;
};

export type HistoryRequest = HistoryPrefetch | HistoryPrepare | HistoryDraw | HistoryDispose;

export interface HistoryPrepared {
  type: 'prepared';
  id: number;
  xs: Float64Array;
  /**
   * With `drawHere` false: one array per run, NaN where the run has no point at that x. With
   * `drawHere`: two arrays, the lowest and highest value of any run at each x (uPlot's y range
   * and zoom follow them; the lines stay in the worker).
   */
  ys: Float64Array[];
  mode: 'exact' | 'grid';
  buckets: number;
  /** Runs (indexes into the request) whose history the store did not hold: drawn empty. */
  missing: number[];
  /** The worker's time reading the store, and reading and shaping (whenever that was done). */
  readMs: number;
  ms: number;
  /** How long this request waited for its shape (less than `ms` when a prefetch began it). */
  waitedMs: number;
}

export interface HistoryDrawn {
  type: 'drawn';
  id: number;
  bitmap: ImageBitmap | null;
  ms: number;
}

export interface HistoryFailed {
  type: 'failed';
  id: number;
  /** The worker failed (crashed, could not load, or the store could not be read): nothing to draw. */
  error: string;
}

export type HistoryResponse =
  | HistoryPrepared
  | HistoryDrawn
  | HistoryFailed
  | { type: 'reading' | 'disposed'; id: number };
