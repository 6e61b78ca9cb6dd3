import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  columnsOfPoints,
  downsample,
  gridHistory,
  prepareHistory,
  type Series,
  seriesOfColumns,
  toSeries,
} from './history-series.ts';

const series = (ys: number[], x0 = 0): Series => ({
  xs: Float64Array.from(ys, (_, i) => x0 + i),
  ys: Float64Array.from(ys),
});
const finite = (a: Float64Array) => Array.from(a).filter((v) => Number.isFinite(v));

describe('metric history downsampling', () => {
  it('downsample keeps the first and last point and every extreme, and shrinks to ≤ 4 per bucket', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 2000 }),
        fc.integer({ min: 1, max: 200 }),
        (ys, buckets) => {
          const s = series(ys);
          const d = downsample(s, buckets);
          expect(d.xs[0]).toBe(0);
          expect(d.ys[0]).toBe(ys[0]);
          expect(d.xs[d.xs.length - 1]).toBe(ys.length - 1);
          expect(d.ys[d.ys.length - 1]).toBe(ys[ys.length - 1]);
          expect(Math.max(...d.ys)).toBe(Math.max(...ys));
          expect(Math.min(...d.ys)).toBe(Math.min(...ys));
          expect(d.xs.length).toBeLessThanOrEqual(Math.max(ys.length <= buckets * 4 ? ys.length : 0, buckets * 4));
          // Kept points are real points, in x order.
          for (let i = 0; i < d.xs.length; i++) {
            expect(d.ys[i]).toBe(ys[d.xs[i] as number]);
            if (i > 0) expect(d.xs[i] as number).toBeGreaterThan(d.xs[i - 1] as number);
          }
        },
      ),
    );
  });

  it('columns from points give the same series as toSeries, sorted by step then time', () => {
    const pts = [
      { key: 'l', step: 2, timestamp: 30, value: 3 },
      { key: 'l', step: 0, timestamp: 10, value: 1 },
      { key: 'l', step: 1, timestamp: 25, value: 2.5 },
      { key: 'l', step: 1, timestamp: 20, value: 2 },
    ];
    for (const x of ['step', 'wall', 'relative'] as const) {
      const a = seriesOfColumns(columnsOfPoints(pts), x, 5);
      const b = toSeries(pts, x, 5);
      expect(Array.from(a.xs)).toEqual(Array.from(b.xs));
      expect(Array.from(a.ys)).toEqual(Array.from(b.ys));
    }
    expect(Array.from(seriesOfColumns(columnsOfPoints(pts), 'step', null).ys)).toEqual([1, 2, 2.5, 3]);
  });

  it('a few runs are aligned exactly: every x a real step, gaps where a run has none', () => {
    const a = series([1, 2, 3, 4, 5]);
    const b = series([9, 8, 7], 3);
    const out = prepareHistory([a, b], 800);
    expect(out.mode).toBe('exact');
    expect(Array.from(out.xs)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(out.ys[0] as Float64Array)).toEqual([1, 2, 3, 4, 5, Number.NaN]);
    expect(Array.from(out.ys[1] as Float64Array)).toEqual([Number.NaN, Number.NaN, Number.NaN, 9, 8, 7]);
  });

  it('1,000 runs × 1,000 steps stay within the budget and keep each run’s first, last and extremes', () => {
    const runs: Series[] = [];
    for (let r = 0; r < 1000; r++) {
      const ys = Array.from({ length: 1000 }, (_, s) => Math.exp(-s / (100 + r)) + Math.sin(s * 7 + r) * 0.01);
      if (r === 7) ys[613] = 50; // one spike
      runs.push(series(ys));
    }
    const out = prepareHistory(runs, 1000, 400_000);
    expect(out.xs.length * out.ys.length).toBeLessThanOrEqual(400_000);
    expect(out.mode).toBe('grid');
    for (const r of [0, 7, 999]) {
      const src = runs[r] as Series;
      const got = out.ys[r] as Float64Array;
      const kept = finite(got);
      expect(kept[0]).toBe(src.ys[0]);
      expect(kept[kept.length - 1]).toBe(src.ys[src.ys.length - 1]);
      expect(Math.max(...kept)).toBe(Math.max(...src.ys));
      expect(Math.min(...kept)).toBe(Math.min(...src.ys));
    }
    // xs ascend and span the data.
    for (let i = 1; i < out.xs.length; i++) expect(out.xs[i] as number).toBeGreaterThan(out.xs[i - 1] as number);
    expect(out.xs[0]).toBe(0);
    expect(out.xs[out.xs.length - 1] as number).toBeGreaterThan(990);
  });

  it('grid slots keep min and max in the order they happened', () => {
    // One bucket: first 5, then max 9, then min 1, last 4.
    const out = gridHistory([{ xs: Float64Array.from([0, 1, 2, 3]), ys: Float64Array.from([5, 9, 1, 4]) }], 1);
    expect(Array.from(out.ys[0] as Float64Array)).toEqual([5, 9, 1, 4]);
    const empty = gridHistory([{ xs: new Float64Array(0), ys: new Float64Array(0) }], 4);
    expect(empty.xs.length).toBe(0);
  });
});
