import MLflow from 'mlflow';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type PostgresCluster, pgAvailable, startPostgres } from '../support/postgres.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * MLflow with CAIRN_DATABASE_URL pointing at a real PostgreSQL: the same session — the npm
 * `mlflow` client, log-batch with NaN and infinities, searches whose order puts missing values
 * somewhere, metric history, the Model Registry and the run feed — is played against a server
 * on SQLite and one on PostgreSQL, and both must answer alike (ids and times aside); the rows
 * are in PostgreSQL.
 */
const ADMIN_TOKEN = 'cairn_test_admin_token_mlpg_001';
const headers = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };

// biome-ignore lint/suspicious/noExplicitAny: MLflow's JSON, untyped.
type Json = any;

async function session(server: TestServer): Promise<Record<string, unknown>> {
  const made = await fetch(`${server.url}/api/v1/repos`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'proj', private: true }),
  });
  expect(made.status).toBe(201);
  const base = `${server.url}/admin/proj.mlflow`;
  const ml = async (endpoint: string, body: Record<string, unknown>, method = 'POST'): Promise<Json> => {
    const q = method === 'GET' ? `?${new URLSearchParams(body as Record<string, string>)}` : '';
    const res = await fetch(`${base}/api/2.0/mlflow/${endpoint}${q}`, {
      method,
      headers,
      body: method === 'GET' ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${endpoint}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  // The client console.logs every POST body.
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  // biome-ignore lint/suspicious/noExplicitAny: the client's typings demand fields MLflow makes optional.
  const client = new MLflow({ endpoint: base, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } }) as any;
  const { experiment_id } = await client.Experiments.create({ name: 'seg' });
  const ids: Record<string, string> = {};
  for (const [i, name] of ['a', 'b', 'c', 'd'].entries()) {
    const tags = [{ key: 'mlflow.runName', value: name }];
    ids[name] = (await client.Runs.create({ experiment_id, start_time: 1_000 + i, tags })).run.info.run_id;
  }
  log.mockRestore();
  const nameOf = Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, name]));

  await ml('runs/log-batch', {
    run_id: ids.a,
    metrics: [
      { key: 'acc', value: 0.9, timestamp: 5, step: 1 },
      { key: 'loss', value: 'NaN', timestamp: 5, step: 2 },
      { key: 'loss', value: 0.5, timestamp: 4, step: 1 },
    ],
    params: [{ key: 'lr', value: '0.01' }],
    tags: [{ key: 'team', value: 'Vision' }],
  });
  await ml('runs/log-batch', {
    run_id: ids.b,
    metrics: [{ key: 'acc', value: '-Infinity', timestamp: 5, step: 0 }],
    params: [{ key: 'lr', value: '0.1' }],
    tags: [{ key: 'team', value: 'vision' }],
  });
  await ml('runs/log-batch', {
    run_id: ids.c,
    metrics: [{ key: 'acc', value: 'Infinity', timestamp: 5, step: 0 }],
    params: [{ key: 'lr', value: '1e-3' }],
  });
  await ml('runs/delete', { run_id: ids.d });

  const order = async (body: Record<string, unknown>) =>
    (await ml('runs/search', { experiment_ids: [experiment_id], ...body })).runs?.map(
      (r: Json) => nameOf[r.info.run_id],
    ) ?? [];
  const history = await ml('metrics/get-history', { run_id: ids.a, metric_key: 'loss' }, 'GET');

  await ml('registered-models/create', { name: 'unet' });
  for (const run of ['a', 'b'])
    await ml('model-versions/create', { name: 'unet', source: `runs:/${ids[run]}/model`, run_id: ids[run] });
  await ml('registered-models/alias', { name: 'unet', alias: 'champion', version: '2' });
  const versions = await ml('model-versions/search', { filter: "name = 'unet'" });

  const feed = (await (await fetch(`${server.url}/api/v1/repos/admin/proj/runs?since=0`, { headers })).json()) as Json;

  return {
    accAsc: await order({ order_by: ['metrics.acc ASC'] }),
    accDesc: await order({ order_by: ['metrics.acc DESC'] }),
    lossAsc: await order({ order_by: ['metrics.loss ASC'] }),
    teamAsc: await order({ order_by: ['tags.team ASC'] }),
    paramDesc: await order({ order_by: ['params.lr DESC'] }),
    teamLike: await order({ filter: "tags.team LIKE 'vis%'" }),
    teamIlike: await order({ filter: "tags.team ILIKE 'vis%'" }),
    accAbove: await order({ filter: 'metrics.acc > 0.5' }),
    all: await order({ run_view_type: 'ALL', order_by: ['attributes.start_time ASC'] }),
    history: history.metrics.map((m: Json) => [m.step, m.value]),
    versions: versions.model_versions.map((v: Json) => [v.version, nameOf[v.run_id], v.aliases]),
    feed: feed.runs.map((r: Json) => [r.name, r.lifecycleStage, r.metrics]),
  };
}

describe.runIf(pgAvailable())('MLflow on PostgreSQL answers as on SQLite', () => {
  let cluster: PostgresCluster;
  let databaseUrl: string;
  const servers: TestServer[] = [];
  const env = { CAIRN_ADMIN_PASSWORD: 'admin-password-mlpg', CAIRN_ADMIN_TOKEN: ADMIN_TOKEN };

  beforeAll(async () => {
    cluster = await startPostgres();
    databaseUrl = await cluster.freshDatabase();
  }, 120_000);
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await cluster?.stop();
  }, 120_000);

  it('the same session gives the same answers, and the runs are in PostgreSQL', async () => {
    const onSqlite = await startTestServer(env);
    servers.push(onSqlite);
    const onPostgres = await startTestServer({ ...env, CAIRN_DATABASE_URL: databaseUrl });
    servers.push(onPostgres);

    const expected = await session(onSqlite);
    expect(expected.accAsc).toEqual(['b', 'a', 'c']);
    expect(expected.teamLike).toEqual(['b']);
    expect(expected.history).toEqual([
      [1, 0.5],
      [2, 'NaN'],
    ]);
    expect(await session(onPostgres)).toEqual(expected);

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const runs = await client.query('SELECT name FROM mlflow_runs ORDER BY name');
      expect(runs.rows.map((r) => r.name)).toEqual(['a', 'b', 'c', 'd']);
      const versions = await client.query('SELECT COUNT(*)::int AS n FROM mlflow_model_versions');
      expect(versions.rows[0].n).toBe(2);
    } finally {
      await client.end();
    }
  });
});
