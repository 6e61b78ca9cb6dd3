import type { Run } from '@cairn/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../db/sql.ts';
import { makeExperimentStore } from './experiments-store.ts';
import { makeRunStore } from './runs-store.ts';
import { migrateMlflow } from './schema.ts';
import { mlflowEngines, type OpenDatabase } from './sql-engines.test-support.ts';

const newRun = { experimentId: 0, userId: 'u', runName: 'r', startTime: 5, tags: [] as Array<[string, string]> };

describe.each(mlflowEngines())('on $name', (engine) => {
  let db: SqlDatabase;
  let opened: OpenDatabase;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    opened = await engine.open();
    ({ sql: db, dispose } = opened);
    await migrateMlflow(db);
  });
  afterEach(async () => {
    await dispose();
  });

  async function stores() {
    const experiments = makeExperimentStore(db);
    await experiments.ensureDefault(1);
    await experiments.ensureDefault(2);
    return { experiments, runs: makeRunStore(db, experiments) };
  }

  describe('run store', () => {
    it('bumps the sequence only when something changes', async () => {
      const { runs } = await stores();
      const run = await runs.create(1, newRun);
      const s1 = await runs.currentSeq(1);
      await runs.logBatch(1, run.id, {
        metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
        params: [['p', 'a']],
        tags: [['t', 'x']],
      });
      const s2 = await runs.currentSeq(1);
      expect(s2).toBeGreaterThan(s1);
      await runs.logBatch(1, run.id, {
        metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
        params: [['p', 'a']],
        tags: [['t', 'x']],
      });
      expect(await runs.currentSeq(1)).toBe(s2);
      expect(await runs.history(1, run.id, 'm', 0, null)).toHaveLength(1);
      expect((await runs.changedSince(1, s2, 10)).runs).toEqual([]);
      expect(await runs.currentSeq(2)).toBe(0);
    });

    it('keeps params immutable and rolls a failed batch back whole', async () => {
      const { runs } = await stores();
      const run = await runs.create(1, newRun);
      await runs.logBatch(1, run.id, { metrics: [], params: [['lr', '0.1']], tags: [] });
      await expect(
        runs.logBatch(1, run.id, {
          metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
          params: [['lr', '0.2']],
          tags: [],
        }),
      ).rejects.toThrow(/Changing param values is not allowed/);
      expect((await runs.get(1, run.id)).metrics).toEqual({});
    });

    it('summarises metrics by MLflow latest rule, with NaN and infinities', async () => {
      const { runs } = await stores();
      const run = await runs.create(1, newRun);
      await runs.logBatch(1, run.id, {
        metrics: [
          { key: 'm', value: 3, timestamp: 9, step: 1 },
          { key: 'm', value: Number.NaN, timestamp: 1, step: 2 },
          { key: 'm', value: -1, timestamp: 5, step: 0 },
          { key: 'inf', value: Number.POSITIVE_INFINITY, timestamp: 1, step: 0 },
        ],
        params: [],
        tags: [],
      });
      const got = await runs.get(1, run.id);
      expect(got.metricSummaries.m).toMatchObject({ min: -1, max: 3, step: 2, count: 3 });
      expect(got.metrics.m).toBeNaN();
      expect(got.metrics.inf).toBe(Number.POSITIVE_INFINITY);
      expect((await runs.history(1, run.id, 'm', 0, null)).map((p) => p.step)).toEqual([0, 1, 2]);
    });

    it('keeps repositories apart', async () => {
      const { runs } = await stores();
      const run = await runs.create(1, newRun);
      await expect(runs.get(2, run.id)).rejects.toThrow(/not found/);
    });
  });

  it('reads many runs at once with each its own params, tags and metrics (search and feed)', async () => {
    const { runs } = await stores();
    const n = 300;
    await db.transaction(async (tx) => {
      const store = runs.within(tx);
      for (let i = 0; i < n; i++) {
        await store.upsertOffline(1, {
          id: `run-${i}`,
          experimentId: 0,
          name: `n${i}`,
          userId: 'u',
          status: 'FINISHED',
          startTime: i,
          endTime: null,
          metrics: [{ key: 'acc', value: i / n, timestamp: 1, step: 0 }],
          params: [['i', String(i)]],
          tags: [['t', `x${i}`]],
        });
      }
    });
    const q = {
      experimentIds: [0],
      view: 'ACTIVE_ONLY' as const,
      filter: null,
      orderBy: [],
      maxResults: 1000,
      offset: 0,
    };
    const check = (found: Run[]) => {
      expect(found).toHaveLength(n);
      for (const r of found) {
        const i = Number(r.id.slice(4));
        expect([r.name, r.params, r.tags.t, r.metrics]).toEqual([`n${i}`, { i: String(i) }, `x${i}`, { acc: i / n }]);
      }
    };
    check((await runs.search(1, q)).runs);
    check((await runs.changedSince(1, 0, 1000)).runs);
    const firstPage = await runs.changedSince(1, 0, 280);
    expect(firstPage.more).toBe(true);
    check([...firstPage.runs, ...(await runs.changedSince(1, firstPage.seqs.at(-1)!, 1000)).runs]);
  });

  describe('run store search cache', () => {
    it('never serves a run as it was before a change', async () => {
      const { runs } = await stores();
      const run = await runs.create(1, newRun);
      const q = {
        experimentIds: [0],
        view: 'ACTIVE_ONLY' as const,
        filter: null,
        orderBy: [],
        maxResults: 10,
        offset: 0,
      };
      expect((await runs.search(1, q)).runs[0]!.params).toEqual({});
      await runs.logBatch(1, run.id, { metrics: [], params: [['lr', '1']], tags: [] });
      expect((await runs.search(1, q)).runs[0]!.params).toEqual({ lr: '1' });
      await runs.deleteTag(1, run.id, 'mlflow.runName');
      expect((await runs.changedSince(1, 0, 10)).runs[0]!.tags).toEqual({});
      await runs.setStage(1, run.id, 'deleted');
      expect((await runs.search(1, q)).runs).toEqual([]);
      // A write that rolls back leaves no trace in later reads.
      await expect(
        runs.upsertOffline(1, {
          id: 'x1',
          experimentId: 9,
          name: 'n',
          userId: '',
          status: 'FINISHED',
          startTime: 1,
          endTime: null,
          metrics: [],
          params: [],
          tags: [],
        }),
      ).rejects.toThrow();
      expect(await runs.exists(1, 'x1')).toBe(false);
    });

    it('never serves a run as it was before another server process changed it', async () => {
      const { runs } = await stores();
      // Another process: its own connection and its own stores (and run cache).
      const other = await opened.connectAgain();
      const otherRuns = makeRunStore(other, makeExperimentStore(other));
      const run = await runs.create(1, newRun);
      const q = {
        experimentIds: [0],
        view: 'ACTIVE_ONLY' as const,
        filter: null,
        orderBy: [],
        maxResults: 10,
        offset: 0,
      };
      expect((await runs.search(1, q)).runs[0]!.metrics).toEqual({});
      expect((await otherRuns.search(1, q)).runs[0]!.metrics).toEqual({});
      await otherRuns.logBatch(1, run.id, {
        metrics: [{ key: 'acc', value: 0.5, timestamp: 1, step: 0 }],
        params: [],
        tags: [],
      });
      expect((await runs.search(1, q)).runs[0]!.metrics).toEqual({ acc: 0.5 });
      expect((await runs.changedSince(1, 0, 10)).runs[0]!.metrics).toEqual({ acc: 0.5 });
      await runs.logBatch(1, run.id, {
        metrics: [{ key: 'acc', value: 0.75, timestamp: 2, step: 1 }],
        params: [],
        tags: [],
      });
      expect((await otherRuns.search(1, q)).runs[0]!.metrics).toEqual({ acc: 0.75 });
      expect((await otherRuns.get(1, run.id)).metricSummaries.acc).toMatchObject({ count: 2, min: 0.5, max: 0.75 });
    });

    // Two connections of one process cannot overlap SQLite write transactions (the second
    // waits synchronously for a lock the first can only release on the same thread), so this
    // race is played where several processes really share the database: PostgreSQL. It is not
    // registered on SQLite at all (a skipped test in every run would read as something missing).
    if (engine.name === 'postgres')
      it('loses no metric point and no summary count when two processes log to one run at once', async () => {
        const { runs } = await stores();
        const other = await opened.connectAgain();
        const otherRuns = makeRunStore(other, makeExperimentStore(other));
        const run = await runs.create(1, newRun);
        const batch = (from: number) => ({
          metrics: Array.from({ length: 50 }, (_, i) => ({
            key: 'loss',
            value: from + i,
            timestamp: 1,
            step: from + i,
          })),
          params: [],
          tags: [],
        });
        await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 ? runs : otherRuns).logBatch(1, run.id, batch(i * 50))),
        );
        expect(await runs.history(1, run.id, 'loss', 0, null)).toHaveLength(500);
        expect((await runs.get(1, run.id)).metricSummaries.loss).toMatchObject({
          count: 500,
          min: 0,
          max: 499,
          step: 499,
        });
      });
  });
});
