/**
 * The history worker's reads (history-read.ts, on fake-indexeddb): stored histories come back as
 * stored, given ones as given, a run the store lacks is listed as missing with an empty history,
 * and a read already started (the compare page's prefetch) is joined, not repeated.
 */
import { describe, expect, it, vi } from 'vitest';
import { readHistories, StoredHistoryReader } from './history-read.ts';
import { columnsOfPoints } from './history-series.ts';
import { historyRowOf, makeExperimentsDb } from './run-store.ts';

const REPO = 'ada/demo';
const points = (k: number) => [0, 1, 2].map((step) => ({ key: 'm0', step, timestamp: 1000 + step, value: k + step }));

describe('history worker reads', () => {
  it('reads stored histories, keeps given ones, and lists the runs the store lacks', async () => {
    const db = makeExperimentsDb(`history-read-${Math.random()}`);
    await db.histories.bulkPut([
      historyRowOf(REPO, 'run0', 'm0', points(10)),
      historyRowOf(REPO, 'run2', 'm1', points(20)),
    ]);
    const reader = new StoredHistoryReader(() => db);
    const got = await readHistories(
      reader,
      [
        { stored: { repo: REPO, runId: 'run0', key: 'm0' } },
        { stored: { repo: REPO, runId: 'run1', key: 'm0' } },
        { history: columnsOfPoints(points(5)) },
        { stored: { repo: REPO, runId: 'run2', key: 'm1' } },
      ],
      1,
    );
    expect(got.histories.map((h) => Array.from(h.values))).toEqual([[10, 11, 12], [], [5, 6, 7], [20, 21, 22]]);
    expect(Array.from(got.histories[0]?.steps ?? [])).toEqual([0, 1, 2]);
    expect(got.missing).toEqual([1]);
  });

  it('joins a read already under way and reads again only what it did not have', async () => {
    const db = makeExperimentsDb(`history-read-${Math.random()}`);
    await db.histories.bulkPut([
      historyRowOf(REPO, 'run0', 'm0', points(1)),
      historyRowOf(REPO, 'run1', 'm0', points(2)),
    ]);
    const reader = new StoredHistoryReader(() => db);
    const bulkGet = vi.spyOn(db.histories, 'bulkGet');
    const key = (runId: string) => ({ repo: REPO, runId, key: 'm0' });
    const prefetch = reader.read([key('run0'), key('run1')], 1);
    const chart = await reader.read([key('run0'), key('run1')], 1);
    expect(bulkGet).toHaveBeenCalledTimes(1);
    expect(chart.map((h) => Array.from(h?.values ?? []))).toEqual([
      [1, 2, 3],
      [2, 3, 4],
    ]);
    await prefetch;
    // A run the store lacked is read again next time (it may have been fetched and stored since).
    const again = await reader.read([key('run0'), key('run9')], 1);
    expect(again[1]).toBeNull();
    await db.histories.put(historyRowOf(REPO, 'run9', 'm0', points(9)));
    const later = await reader.read([key('run0'), key('run9')], 1);
    expect(Array.from(later[1]?.values ?? [])).toEqual([9, 10, 11]);
    expect(bulkGet.mock.calls.map((c) => c[0].length)).toEqual([2, 1, 1]);
    // The next visit of the page reads the store afresh (a sync may have changed it).
    await reader.read([key('run0'), key('run9')], 2);
    expect(bulkGet.mock.calls.map((c) => c[0].length)).toEqual([2, 1, 1, 2]);
  });
});
