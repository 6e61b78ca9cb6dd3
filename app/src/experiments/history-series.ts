/**
 * Metric histories shaped for line charts: x as step, wall time or time since the run's
 * start; exponential-moving-average smoothing (TensorBoard's, debiased); and min/max
 * downsampling per pixel bucket so a 1,000-step history of 1,000 runs draws a few points
 * per pixel without losing its peaks.
 */
import type { MetricPoint } from '@cairn/core/runs/index';

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

/** Keeps the first, min, max and last point of each of `buckets` x-ranges (in x order). */
export function downsample(s: Series, buckets: number): Series {
  const n = s.xs.length;
  if (n <= buckets * 4) return s;
  const x0 = s.xs[0] as number;
  const span = (s.xs[n - 1] as number) - x0 || 1;
  const keep: number[] = [];
  let b = -1;
  let first = 0;
  let minI = 0;
  let maxI = 0;
  let lastI = 0;
  const flush = () => {
    if (b < 0) return;
    const set = [...new Set([first, minI, maxI, lastI])].sort((p, q) => p - q);
    keep.push(...set);
  };
  for (let i = 0; i < n; i++) {
    const bucket = Math.min(buckets - 1, Math.floor((((s.xs[i] as number) - x0) / span) * buckets));
    if (bucket !== b) {
      flush();
      b = bucket;
      first = minI = maxI = lastI = i;
      continue;
    }
    lastI = i;
    if ((s.ys[i] as number) < (s.ys[minI] as number)) minI = i;
    if ((s.ys[i] as number) > (s.ys[maxI] as number)) maxI = i;
  }
  flush();
  return {
    xs: Float64Array.from(keep, (i) => s.xs[i] as number),
    ys: Float64Array.from(keep, (i) => s.ys[i] as number),
  };
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
