/**
 * Metric histories shaped for line charts: x as step, wall time or time since the run's
 * start; exponential-moving-average smoothing (TensorBoard's, debiased); and min/max
 * downsampling per pixel bucket so a 1,000-step history of 1,000 runs draws a few points
 * per pixel without losing its peaks.
 */
import type { MetricPoint } from '@cairn/core/runs';

export type XAxis = 'step' | 'wall' | 'relative';

export interface Series {
  xs: Float64Array;
  ys: Float64Array;
}

/** Points of one run's metric, ordered by x. */
export function toSeries(points: readonly MetricPoint[], xAxis: XAxis, runStart: number | null): Series {
  const sorted = [...points].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  const t0 = runStart ?? (sorted.length ? Math.min(...sorted.map((p) => p.timestamp)) : 0);
  const xs = new Float64Array(sorted.length);
  const ys = new Float64Array(sorted.length);
  sorted.forEach((p, i) => {
    xs[i] = xAxis === 'step' ? p.step : xAxis === 'wall' ? p.timestamp / 1000 : (p.timestamp - t0) / 1000;
    ys[i] = p.value;
  });
  if (xAxis !== 'step') {
    const order = Array.from(xs.keys()).sort((a, b) => (xs[a] as number) - (xs[b] as number));
    return {
      xs: Float64Array.from(order, (i) => xs[i] as number),
      ys: Float64Array.from(order, (i) => ys[i] as number),
    };
  }
  return { xs, ys };
}

/** Debiased exponential moving average; weight 0 returns the values unchanged. */
export function smooth(ys: Float64Array, weight: number): Float64Array {
  if (weight <= 0) return ys;
  const out = new Float64Array(ys.length);
  let last = 0;
  let debias = 0;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i] as number;
    if (!Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    last = last * weight + (1 - weight) * y;
    debias = debias * weight + (1 - weight);
    out[i] = last / debias;
  }
  return out;
}

/**
 * Walks a series in x order and calls `visit` once per run of points in the same bucket
 * (`bucketOf(x)`), with the indexes of its first, lowest, highest and last point.
 */
function eachBucket(
  s: Series,
  bucketOf: (x: number) => number,
  visit: (bucket: number, first: number, minI: number, maxI: number, lastI: number) => void,
): void {
  let b = -1;
  let first = 0;
  let minI = 0;
  let maxI = 0;
  let lastI = 0;
  for (let i = 0; i < s.xs.length; i++) {
    const bucket = bucketOf(s.xs[i] as number);
    if (bucket !== b) {
      if (b >= 0) visit(b, first, minI, maxI, lastI);
      b = bucket;
      first = minI = maxI = lastI = i;
      continue;
    }
    const y = s.ys[i] as number;
    lastI = i;
    if (y < (s.ys[minI] as number)) minI = i;
    if (y > (s.ys[maxI] as number)) maxI = i;
  }
  if (b >= 0) visit(b, first, minI, maxI, lastI);
}

/** Keeps the first, min, max and last point of each of `buckets` x-ranges (in x order). */
export function downsample(s: Series, buckets: number): Series {
  const n = s.xs.length;
  if (n <= buckets * 4) return s;
  const x0 = s.xs[0] as number;
  const span = (s.xs[n - 1] as number) - x0 || 1;
  const keep: number[] = [];
  // first ≤ the earlier extreme ≤ the later ≤ last: each kept once, in x order.
  eachBucket(
    s,
    (x) => Math.min(buckets - 1, Math.floor(((x - x0) / span) * buckets)),
    (_b, first, minI, maxI, lastI) => {
      let prev = -1;
      for (const i of [first, Math.min(minI, maxI), Math.max(minI, maxI), lastI]) {
        if (i > prev) keep.push(i);
        prev = Math.max(prev, i);
      }
    },
  );
  const xs = new Float64Array(keep.length);
  const ys = new Float64Array(keep.length);
  for (let k = 0; k < keep.length; k++) {
    xs[k] = s.xs[keep[k] as number] as number;
    ys[k] = s.ys[keep[k] as number] as number;
  }
  return { xs, ys };
}

/**
 * Many series on one shared x axis, as uPlot wants them ([xs, ys1, ys2, …], null where a run
 * has no point at that x). Each series is downsampled first so the union stays small.
 */
export function alignSeries(series: readonly Series[], buckets: number): (number | null)[][] {
  const reduced = series.map((s) => downsample(s, buckets));
  const xsSet = new Set<number>();
  for (const s of reduced) for (const x of s.xs) xsSet.add(x);
  const xs = Float64Array.from(xsSet).sort();
  const index = new Map<number, number>();
  for (let i = 0; i < xs.length; i++) index.set(xs[i] as number, i);
  const out: (number | null)[][] = [Array.from(xs)];
  for (const s of reduced) {
    const ys: (number | null)[] = new Array(xs.length).fill(null);
    for (let i = 0; i < s.xs.length; i++) {
      const y = s.ys[i] as number;
      ys[index.get(s.xs[i] as number) as number] = Number.isFinite(y) ? y : null;
    }
    out.push(ys);
  }
  return out;
}

/** One run's metric history as columns (the store's HistoryRow shape; cheap to send to a worker). */
export interface HistoryColumns {
  steps: Float64Array;
  timestamps: Float64Array;
  values: Float64Array;
}

export function columnsOfPoints(points: readonly MetricPoint[]): HistoryColumns {
  const n = points.length;
  const steps = new Float64Array(n);
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = points[i] as MetricPoint;
    steps[i] = p.step;
    timestamps[i] = p.timestamp;
    values[i] = p.value;
  }
  return { steps, timestamps, values };
}

/** As toSeries, from columns; a history already in x order (the usual case) is not sorted. */
export function seriesOfColumns(h: HistoryColumns, xAxis: XAxis, runStart: number | null): Series {
  const n = h.values.length;
  let t0 = runStart ?? Number.POSITIVE_INFINITY;
  if (runStart === null && xAxis === 'relative')
    for (let i = 0; i < n; i++) t0 = Math.min(t0, h.timestamps[i] as number);
  const xs = xAxis === 'step' ? h.steps.slice() : new Float64Array(n);
  if (xAxis !== 'step')
    for (let i = 0; i < n; i++)
      xs[i] = xAxis === 'wall' ? (h.timestamps[i] as number) / 1000 : ((h.timestamps[i] as number) - t0) / 1000;
  let ordered = true;
  for (let i = 1; i < n && ordered; i++) {
    const a = xs[i - 1] as number;
    const b = xs[i] as number;
    // Same step: time decides (as toSeries), so equal xs are in order only if times are.
    if (b < a || (b === a && (h.timestamps[i] as number) < (h.timestamps[i - 1] as number))) ordered = false;
  }
  if (ordered) return { xs, ys: h.values.slice() };
  const order = Array.from(xs.keys()).sort(
    (a, b) => (xs[a] as number) - (xs[b] as number) || (h.timestamps[a] as number) - (h.timestamps[b] as number),
  );
  return {
    xs: Float64Array.from(order, (i) => xs[i] as number),
    ys: Float64Array.from(order, (i) => h.values[i] as number),
  };
}

/** Chart-ready histories: one x array and one y array per series (NaN where a series has no point). */
export interface AlignedHistory {
  xs: Float64Array;
  ys: Float64Array[];
  /** exact: every kept point at its own x. grid: points snapped to shared buckets (many runs). */
  mode: 'exact' | 'grid';
  buckets: number;
}

/** About how many aligned cells (series × x positions) the chart is given at most. */
export const HISTORY_BUDGET = 400_000;

/** How many x buckets prepareHistory uses for `runs` series on a chart `width` CSS pixels wide. */
export function historyBuckets(width: number, runs: number, budget = HISTORY_BUDGET): number {
  return Math.max(16, Math.min(Math.floor(width / 2), Math.floor(budget / (4 * Math.max(1, runs)))));
}

/**
 * Shapes many series for one line chart, bounded whatever their length and count:
 * each series keeps first, min, max and last per x bucket, with at most width/2 buckets
 * (≤ ~2 points per pixel) and fewer when there are many series, so series × points stays near
 * `budget`. When the kept xs of all series line up within budget they are aligned exactly;
 * otherwise (more raw points than the budget, or wall-clock xs that never coincide) each
 * bucket becomes four shared slots — first, the earlier and the later of min and max, last —
 * so nothing is lost but the exact x inside a bucket (at most a bucket, ≤ 2 px, off).
 */
export function prepareHistory(series: readonly Series[], width: number, budget = HISTORY_BUDGET): AlignedHistory {
  const n = Math.max(1, series.length);
  const buckets = historyBuckets(width, series.length, budget);
  // More raw points than the budget: the grid below is the answer whatever downsampling
  // would keep, so go there directly.
  let total = 0;
  for (const s of series) total += s.xs.length;
  if (total > budget) return gridHistory(series, buckets);
  const reduced = series.map((s) => downsample(s, buckets));
  const seen = new Set<number>();
  let exact = true;
  for (const s of reduced) {
    for (const x of s.xs) seen.add(x);
    if (seen.size * n > budget) {
      exact = false;
      break;
    }
  }
  if (exact) {
    const xs = Float64Array.from(seen).sort();
    const index = new Map<number, number>();
    for (let i = 0; i < xs.length; i++) index.set(xs[i] as number, i);
    const ys = reduced.map((s) => {
      const out = new Float64Array(xs.length).fill(Number.NaN);
      for (let i = 0; i < s.xs.length; i++) out[index.get(s.xs[i] as number) as number] = s.ys[i] as number;
      return out;
    });
    return { xs, ys, mode: 'exact', buckets };
  }
  return gridHistory(series, buckets);
}

/** The grid form of prepareHistory: four slots per bucket shared by every series (M4). */
export function gridHistory(series: readonly Series[], buckets: number): AlignedHistory {
  let x0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    if (!s.xs.length) continue;
    x0 = Math.min(x0, s.xs[0] as number);
    x1 = Math.max(x1, s.xs[s.xs.length - 1] as number);
  }
  if (!Number.isFinite(x0))
    return { xs: new Float64Array(0), ys: series.map(() => new Float64Array(0)), mode: 'grid', buckets };
  const w = (x1 - x0 || 1) / buckets;
  const xs = new Float64Array(buckets * 4);
  for (let b = 0; b < buckets; b++) for (let k = 0; k < 4; k++) xs[b * 4 + k] = x0 + (b + k * 0.333) * w;
  // eachBucket's walk written out: this runs over every point of every run (a million for the
  // compare page of 1,000 runs), and the callbacks cost a third of it.
  const put = (
    out: Float64Array,
    ys: Float64Array,
    b: number,
    first: number,
    minI: number,
    maxI: number,
    lastI: number,
  ) => {
    const at = b * 4;
    out[at] = ys[first] as number;
    if (lastI !== first) out[at + 3] = ys[lastI] as number;
    const e = Math.min(minI, maxI);
    const l = Math.max(minI, maxI);
    if (e !== first && e !== lastI) out[at + 1] = ys[e] as number;
    if (l !== first && l !== lastI && l !== e) out[at + 2] = ys[l] as number;
  };
  const last = buckets - 1;
  const ys = series.map((s) => {
    const out = new Float64Array(buckets * 4).fill(Number.NaN);
    const sx = s.xs;
    const sy = s.ys;
    let b = -1;
    let first = 0;
    let minI = 0;
    let maxI = 0;
    let lastI = 0;
    for (let i = 0; i < sx.length; i++) {
      const bucket = Math.min(last, Math.floor(((sx[i] as number) - x0) / w));
      if (bucket !== b) {
        if (b >= 0) put(out, sy, b, first, minI, maxI, lastI);
        b = bucket;
        first = minI = maxI = lastI = i;
        continue;
      }
      const y = sy[i] as number;
      lastI = i;
      if (y < (sy[minI] as number)) minI = i;
      if (y > (sy[maxI] as number)) maxI = i;
    }
    if (b >= 0) put(out, sy, b, first, minI, maxI, lastI);
    return out;
  });
  return { xs, ys, mode: 'grid', buckets };
}
