/**
 * The history worker's kept shape (history-shape.ts, on fake-indexeddb): the compare page's
 * early ask and the chart's own, made from the same, are shaped once; a different view or a
 * chart that takes the arrays away shapes again.
 */
import { describe, expect, it, vi } from 'vitest';
import { StoredHistoryReader } from './history-read.ts';
import { HistoryShaper, type ShapeAsk } from './history-shape.ts';
import { historyRowOf, makeExperimentsDb } from './run-store.ts';

const REPO = 'ada/demo';
const points = (k: number) => [0, 1, 2].map((step) => ({ key: 'm0', step, timestamp: 1000 + step, value: k + step }));

async function setUp() {
  const db = makeExperimentsDb(`history-shape-${Math.random()}`);
  await db.histories.bulkPut([
    historyRowOf(REPO, 'run0', 'm0', points(1)),
    historyRowOf(REPO, 'run1', 'm0', points(5)),
  ]);
  const bulkGet = vi.spyOn(db.histories, 'bulkGet');
  const shaper = new HistoryShaper(new StoredHistoryReader(() => db));
  const ask = (over: Partial<ShapeAsk> = {}): ShapeAsk => ({
    runs: ['run0', 'run1', 'run2'].map((runId) => ({ stored: { repo: REPO, runId, key: 'm0' }, start: null })),
    visit: 1,
    xAxis: 'step',
    smoothing: 0,
    width: 800,
    ...over,
  });
  return { bulkGet, shaper, ask };
}

describe('the history worker keeps its last shape', () => {
  it('shapes an early ask and the chart’s identical one once, with the runs the store lacks', async () => {
    const { bulkGet, shaper, ask } = await setUp();
    const early = shaper.shape(ask(), true);
    const chart = shaper.shape(ask({ width: 801 }), true); // another width, the same buckets (400)
    expect(chart).toBe(early);
    const shaped = await chart;
    expect(Array.from(shaped.aligned.xs)).toEqual([0, 1, 2]);
    expect(shaped.aligned.ys.map((y) => Array.from(y))).toEqual([
      [1, 2, 3],
      [5, 6, 7],
      [Number.NaN, Number.NaN, Number.NaN],
    ]);
    expect(shaped.missing).toEqual([2]);
    expect(bulkGet).toHaveBeenCalledTimes(1);
  });

  it('shapes again for another smoothing, and after a chart took the kept shape', async () => {
    const { shaper, ask } = await setUp();
    const first = shaper.shape(ask(), true);
    const smoothed = shaper.shape(ask({ smoothing: 0.5 }), true);
    expect(smoothed).not.toBe(first);
    const taken = shaper.shape(ask({ smoothing: 0.5 }), false);
    expect(taken).toBe(smoothed);
    expect(shaper.shape(ask({ smoothing: 0.5 }), true)).not.toBe(taken);
  });

  it('shapes again, from the store, for the next visit of the page', async () => {
    const { bulkGet, shaper, ask } = await setUp();
    const first = shaper.shape(ask(), true);
    await first;
    const next = shaper.shape(ask({ visit: 2 }), true);
    expect(next).not.toBe(first);
    await next;
    expect(bulkGet).toHaveBeenCalledTimes(2);
  });
});
