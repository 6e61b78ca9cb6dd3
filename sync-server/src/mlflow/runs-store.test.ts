import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../db/database.ts';
import { makeExperimentStore } from './experiments-store.ts';
import { makeRunStore } from './runs-store.ts';
import { migrateMlflow } from './schema.ts';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-runs-'));
  db = openDatabase(path.join(dir, 'test.db'));
  migrateMlflow(db);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function stores() {
  const experiments = makeExperimentStore(db);
  experiments.ensureDefault(1);
  experiments.ensureDefault(2);
  return { experiments, runs: makeRunStore(db, experiments) };
}

const newRun = { experimentId: 0, userId: 'u', runName: 'r', startTime: 5, tags: [] as Array<[string, string]> };

describe('run store', () => {
  it('bumps the sequence only when something changes', () => {
    const { runs } = stores();
    const run = runs.create(1, newRun);
    const s1 = runs.currentSeq(1);
    runs.logBatch(1, run.id, {
      metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
      params: [['p', 'a']],
      tags: [['t', 'x']],
    });
    const s2 = runs.currentSeq(1);
    expect(s2).toBeGreaterThan(s1);
    runs.logBatch(1, run.id, {
      metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
      params: [['p', 'a']],
      tags: [['t', 'x']],
    });
    expect(runs.currentSeq(1)).toBe(s2);
    expect(runs.history(1, run.id, 'm', 0, null)).toHaveLength(1);
    expect(runs.changedSince(1, s2, 10).runs).toEqual([]);
    expect(runs.currentSeq(2)).toBe(0);
  });

  it('keeps params immutable and rolls a failed batch back whole', () => {
    const { runs } = stores();
    const run = runs.create(1, newRun);
    runs.logBatch(1, run.id, { metrics: [], params: [['lr', '0.1']], tags: [] });
    expect(() =>
      runs.logBatch(1, run.id, {
        metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
        params: [['lr', '0.2']],
        tags: [],
      }),
    ).toThrow(/Changing param values is not allowed/);
    expect(runs.get(1, run.id).metrics).toEqual({});
  });

  it('summarises metrics by MLflow latest rule, with NaN and infinities', () => {
    const { runs } = stores();
    const run = runs.create(1, newRun);
    runs.logBatch(1, run.id, {
      metrics: [
        { key: 'm', value: 3, timestamp: 9, step: 1 },
        { key: 'm', value: Number.NaN, timestamp: 1, step: 2 },
        { key: 'm', value: -1, timestamp: 5, step: 0 },
        { key: 'inf', value: Number.POSITIVE_INFINITY, timestamp: 1, step: 0 },
      ],
      params: [],
      tags: [],
    });
    const got = runs.get(1, run.id);
    expect(got.metricSummaries.m).toMatchObject({ min: -1, max: 3, step: 2, count: 3 });
    expect(got.metrics.m).toBeNaN();
    expect(got.metrics.inf).toBe(Number.POSITIVE_INFINITY);
    expect(runs.history(1, run.id, 'm', 0, null).map((p) => p.step)).toEqual([0, 1, 2]);
  });

  it('keeps repositories apart', () => {
    const { runs } = stores();
    const run = runs.create(1, newRun);
    expect(() => runs.get(2, run.id)).toThrow(/not found/);
  });
});

describe('run store search cache', () => {
  it('never serves a run as it was before a change', () => {
    const { runs } = stores();
    const run = runs.create(1, newRun);
    const q = {
      experimentIds: [0],
      view: 'ACTIVE_ONLY' as const,
      filter: null,
      orderBy: [],
      maxResults: 10,
      offset: 0,
    };
    expect(runs.search(1, q).runs[0]!.params).toEqual({});
    runs.logBatch(1, run.id, { metrics: [], params: [['lr', '1']], tags: [] });
    expect(runs.search(1, q).runs[0]!.params).toEqual({ lr: '1' });
    runs.deleteTag(1, run.id, 'mlflow.runName');
    expect(runs.changedSince(1, 0, 10).runs[0]!.tags).toEqual({});
    runs.setStage(1, run.id, 'deleted');
    expect(runs.search(1, q).runs).toEqual([]);
    // A write that rolls back leaves no trace in later reads.
    expect(() =>
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
    ).toThrow();
    expect(runs.exists(1, 'x1')).toBe(false);
  });
});
