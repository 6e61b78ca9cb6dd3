/**
 * `runs/log-batch` as MLflow's server handles it: its request limits, its validation, and
 * all-or-nothing storage (a refused batch stores nothing, so a client may re-send it whole).
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../db/sql.ts';
import { MlflowError } from './errors.ts';
import { makeExperimentStore } from './experiments-store.ts';
import { makeEndpoints } from './handlers.ts';
import { makeRunStore } from './runs-store.ts';
import { migrateMlflow } from './schema.ts';
import { mlflowEngines } from './sql-engines.test-support.ts';

const metric = (i: number) => ({ key: 'loss', value: i / 1000, timestamp: 1000 + i, step: i });
const kv = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: 'v' }));

async function refusal(fn: () => Promise<unknown>): Promise<MlflowError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof MlflowError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe.each(mlflowEngines())('runs/log-batch on $name', (engine) => {
  let db: SqlDatabase;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ sql: db, dispose } = await engine.open());
    await migrateMlflow(db);
  });
  afterEach(async () => {
    await dispose();
  });

  async function setup() {
    const experiments = makeExperimentStore(db);
    await experiments.ensureDefault(1);
    const runs = makeRunStore(db, experiments);
    const endpoints = makeEndpoints(experiments, runs);
    const call = async (name: string, input: Record<string, unknown>) => {
      const endpoint = endpoints[name];
      if (!endpoint) throw new Error(`no endpoint ${name}`);
      return (await endpoint.handle(1, input)) as Record<string, unknown>;
    };
    const created = (await call('runs/create', { experiment_id: '0', start_time: 1 })) as {
      run: { info: { run_id: string } };
    };
    const runId = created.run.info.run_id;
    const history = async (key: string) =>
      ((await call('metrics/get-history', { run_id: runId, metric_key: key })) as { metrics: unknown[] }).metrics;
    return { call, runs, runId, history };
  }

  it('takes up to 1000 metrics, 100 params and 100 tags, 1000 in all', async () => {
    const { call, runId, history } = await setup();
    await call('runs/log-batch', { run_id: runId, metrics: Array.from({ length: 1000 }, (_, i) => metric(i)) });
    expect(await history('loss')).toHaveLength(1000);
    await call('runs/log-batch', { run_id: runId, metrics: [], params: kv('p', 100), tags: kv('t', 100) });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ metrics: Array.from({ length: 1001 }, (_, i) => metric(i)) }, /at most 1000 metrics. Got 1001/],
      [{ params: kv('q', 101) }, /at most 100 params. Got 101/],
      [{ tags: kv('u', 101) }, /at most 100 tags. Got 101/],
      [
        { metrics: Array.from({ length: 850 }, (_, i) => metric(i)), params: kv('q', 100), tags: kv('u', 51) },
        /in total. Got 1001/,
      ],
    ];
    for (const [body, message] of cases) {
      const err = await refusal(() => call('runs/log-batch', { run_id: runId, ...body }));
      expect(err.code).toBe('INVALID_PARAMETER_VALUE');
      expect(err.message).toMatch(message);
    }
  });

  it('refuses a param key given twice, even with the same value, and stores nothing of that batch', async () => {
    const { call, runId, history } = await setup();
    const err = await refusal(() =>
      call('runs/log-batch', {
        run_id: runId,
        metrics: [metric(1)],
        params: [
          { key: 'lr', value: '0.1' },
          { key: 'lr', value: '0.1' },
        ],
      }),
    );
    expect(err.message).toMatch(/Duplicate parameter keys.*lr/);
    expect(await history('loss')).toEqual([]);
  });

  it('a batch refused half-way (a param changing value) leaves no metric behind', async () => {
    const { call, runId, history } = await setup();
    await call('runs/log-batch', { run_id: runId, params: [{ key: 'lr', value: '0.1' }] });
    const err = await refusal(() =>
      call('runs/log-batch', { run_id: runId, metrics: [metric(1)], params: [{ key: 'lr', value: '0.2' }] }),
    );
    expect(err.message).toMatch(/Changing param values is not allowed/);
    expect(await history('loss')).toEqual([]);
  });

  it('validates every entry: names, numbers, timestamps', async () => {
    const { call, runId } = await setup();
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ metrics: [{ key: 'a b!', value: 1, timestamp: 1 }] }, /Invalid metric name/],
      [{ metrics: [{ key: 'loss', value: 'high', timestamp: 1 }] }, /invalid value "high"/],
      [{ metrics: [{ key: 'loss', value: 1 }] }, /timestamp/],
      [{ metrics: [{ key: 'loss', value: 1, timestamp: 1, step: 1.5 }] }, /step/],
      [{ metrics: [7] }, /Missing value for required parameter 'key'/],
      [{ params: [{ key: '../x', value: '1' }] }, /normalised paths/],
      [{ tags: [{ key: 't', value: 'x'.repeat(8001) }] }, /limit is 8000/],
      [{ run_id: 'nope' }, /not found/],
    ];
    for (const [body, message] of bad) {
      expect((await refusal(() => call('runs/log-batch', { run_id: runId, ...body }))).message).toMatch(message);
    }
  });

  it('a re-sent batch changes nothing; tags given twice keep the last value; NaN travels as a string', async () => {
    const { call, runs, runId, history } = await setup();
    const body = {
      run_id: runId,
      metrics: [metric(1), { key: 'loss', value: 'NaN', timestamp: 5000, step: 2 }],
      params: [{ key: 'lr', value: '0.1' }],
      tags: [
        { key: 'stage', value: 'a' },
        { key: 'stage', value: 'b' },
      ],
    };
    await call('runs/log-batch', body);
    const seq = await runs.currentSeq(1);
    await call('runs/log-batch', body);
    expect(await runs.currentSeq(1)).toBe(seq);
    expect(await history('loss')).toEqual([
      { key: 'loss', value: 0.001, timestamp: 1001, step: 1 },
      { key: 'loss', value: 'NaN', timestamp: 5000, step: 2 },
    ]);
    const run = (await call('runs/get', { run_id: runId })) as {
      run: { data: { tags: Array<{ key: string; value: string }> } };
    };
    expect(run.run.data.tags.find((t) => t.key === 'stage')?.value).toBe('b');
  });

  it('stores param and tag values exactly, whatever characters they hold', async () => {
    const { call, runId } = await setup();
    // PostgreSQL gets a batch's rows as arrays (unnest): these would break a careless array literal.
    const values = ['NULL', '', '{a,b}', 'say "hi"', 'back\\slash', 'comma, and\nnewline', 'é😀', ' padded '];
    await call('runs/log-batch', {
      run_id: runId,
      params: values.map((value, i) => ({ key: `p${i}`, value })),
      tags: values.map((value, i) => ({ key: `t${i}`, value })),
    });
    const run = (await call('runs/get', { run_id: runId })) as {
      run: { data: { params: Array<{ key: string; value: string }>; tags: Array<{ key: string; value: string }> } };
    };
    const byKey = (list: Array<{ key: string; value: string }>) => new Map(list.map((e) => [e.key, e.value]));
    const params = byKey(run.run.data.params);
    const tags = byKey(run.run.data.tags);
    values.forEach((value, i) => {
      expect(params.get(`p${i}`)).toBe(value);
      expect(tags.get(`t${i}`)).toBe(value);
    });
  });

  it('any JSON body is stored or refused with an MLflow error, never a crash', async () => {
    const { call, runId } = await setup();
    const entry = fc.record(
      {
        key: fc.oneof(fc.string(), fc.constantFrom('loss', 'a/b', '../x', '')),
        value: fc.oneof(fc.double(), fc.string(), fc.constantFrom('NaN', '-Infinity'), fc.boolean(), fc.constant(null)),
        timestamp: fc.oneof(fc.integer(), fc.string(), fc.double()),
        step: fc.oneof(fc.integer(), fc.string()),
      },
      { requiredKeys: [] },
    );
    const list = fc.oneof(fc.array(fc.oneof(entry, fc.jsonValue()), { maxLength: 5 }), fc.jsonValue());
    await fc.assert(
      fc.asyncProperty(fc.record({ metrics: list, params: list, tags: list }, { requiredKeys: [] }), async (body) => {
        try {
          await call('runs/log-batch', { run_id: runId, ...body });
        } catch (err) {
          if (!(err instanceof MlflowError)) throw err;
          expect(err.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
