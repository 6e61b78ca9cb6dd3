/**
 * The compare page's histories (server-runs.ts metricHistories, on fake-indexeddb): the stored
 * ones come back as the stored columns, a run with none stored and no server to ask gets an
 * empty history, and each run's history is read under its own metric key.
 */
import { describe, expect, it } from 'vitest';
import { historyRowOf, makeExperimentsDb } from './run-store.ts';
import { metricHistories } from './server-runs.ts';
import { makeRuns } from './test-runs.test-support.ts';

const REPO = 'ada/demo';

describe('metric histories of many runs', () => {
  it('reads the stored histories as columns and gives a run without one an empty history', async () => {
    const db = makeExperimentsDb(`histories-${Math.random()}`);
    const runs = makeRuns(3, 1, 2);
    const points = (k: number) =>
      [0, 1, 2].map((step) => ({ key: 'm0', step, timestamp: 1000 + step, value: k + step }));
    await db.histories.bulkPut([
      historyRowOf(REPO, 'run0', 'm0', points(10)),
      historyRowOf(REPO, 'run2', 'm1', points(20)),
    ]);
    const got = await metricHistories(db, null, REPO, runs, (r) => (r.id === 'run2' ? 'm1' : 'm0'));
    expect(Array.from(got.get('run0')?.values ?? [])).toEqual([10, 11, 12]);
    expect(Array.from(got.get('run0')?.steps ?? [])).toEqual([0, 1, 2]);
    expect(Array.from(got.get('run2')?.values ?? [])).toEqual([20, 21, 22]);
    expect(got.get('run1')?.values.length).toBe(0);
    expect([...got.keys()].sort()).toEqual(['run0', 'run1', 'run2']);
  });
});
