import type { Run } from '@cairn/core';
import { runFromWire } from '@cairn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The app's run feed (`GET /api/v1/repos/OWNER/REPO/runs?since=SEQ`) and the idempotent upload
 * of runs made offline (`POST …/runs/batch`), against the real server: a client that stores
 * `seq` gets only what changed since, and re-sending a run changes nothing.
 */
const ADMIN_TOKEN = 'cairn_test_admin_token_runsfeed1';

let server: TestServer;
let readerToken: string;

interface FeedPage {
  runs: Run[];
  seq: number;
  next: number | null;
  remaining: number;
}

async function call(method: string, p: string, body?: unknown, token: string | null = ADMIN_TOKEN): Promise<Response> {
  return fetch(`${server.url}${p}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function feed(since: number, limit = 100): Promise<FeedPage> {
  const res = await call('GET', `/api/v1/repos/admin/feed/runs?since=${since}&limit=${limit}`);
  expect(res.status).toBe(200);
  const page = (await res.json()) as FeedPage;
  return { ...page, runs: page.runs.map(runFromWire) };
}

async function ml(endpoint: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await call('POST', `/admin/feed.mlflow/api/2.0/mlflow/${endpoint}`, body);
  expect(res.status, endpoint).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function batch(runs: unknown[], token = ADMIN_TOKEN): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await call('POST', '/api/v1/repos/admin/feed/runs/batch', { runs }, token);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const offline = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `offline ${id}`,
  status: 'FINISHED',
  startTime: 1_700_000_000_000,
  endTime: 1_700_000_060_000,
  params: { lr: '0.01', model: 'unet' },
  tags: { origin: 'laptop' },
  metrics: [
    { key: 'loss', value: 0.9, timestamp: 1_700_000_000_001, step: 0 },
    { key: 'loss', value: 0.4, timestamp: 1_700_000_000_002, step: 1 },
  ],
  ...extra,
});

beforeAll(async () => {
  server = await startTestServer({ CAIRN_ADMIN_PASSWORD: 'admin-password-runsfeed', CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
  expect((await call('POST', '/api/v1/repos', { name: 'feed', private: true })).status).toBe(201);
  expect((await call('POST', '/api/v1/users', { username: 'reader', password: 'reader-password' })).status).toBe(201);
  expect((await call('PUT', '/api/v1/repos/admin/feed/collaborators/reader', { permission: 'read' })).status).toBe(200);
  const session = await call('POST', '/api/v1/session', { username: 'reader', password: 'reader-password' }, null);
  readerToken = ((await session.json()) as { token: string }).token;
});
afterAll(async () => {
  await server?.stop();
});

describe('run feed', () => {
  it('is incremental by sequence number', async () => {
    expect(await feed(0)).toEqual({ runs: [], seq: 0, next: null, remaining: 0 });
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const created = await ml('runs/create', { experiment_id: '0', run_name: name, start_time: 1000 });
      ids.push((created.run as { info: { run_id: string } }).info.run_id);
    }
    const first = await feed(0, 2);
    expect(first.runs.map((r) => r.name)).toEqual(['a', 'b']);
    expect(first.next).toBe(first.seq);
    // How many changed runs come after the page, for a client's progress.
    expect(first.remaining).toBe(1);
    const rest = await feed(first.next!, 2);
    expect(rest.runs.map((r) => r.name)).toEqual(['c']);
    expect(rest.next).toBeNull();
    expect(rest.remaining).toBe(0);

    // A change to one run brings back that run only, with its new state in the core model.
    await ml('runs/log-batch', {
      run_id: ids[0],
      params: [{ key: 'lr', value: '0.1' }],
      metrics: [
        { key: 'acc', value: 0.5, timestamp: 1, step: 0 },
        { key: 'acc', value: 0.7, timestamp: 2, step: 1 },
        { key: 'acc', value: 0.6, timestamp: 3, step: 2 },
      ],
    });
    const changed = await feed(rest.seq);
    expect(changed.runs).toHaveLength(1);
    const run = changed.runs[0]!;
    expect(run).toMatchObject({
      id: ids[0],
      name: 'a',
      status: 'RUNNING',
      lifecycleStage: 'active',
      source: { kind: 'mlflow', runId: ids[0], experimentId: '0' },
      params: { lr: '0.1' },
      metrics: { acc: 0.6 },
      tags: { 'mlflow.runName': 'a' },
    });
    expect(run.metricSummaries.acc).toMatchObject({ last: 0.6, min: 0.5, max: 0.7, step: 2, count: 3 });
    expect(changed.seq).toBeGreaterThan(rest.seq);

    // Nothing changed: nothing comes back, and the sequence stays.
    expect(await feed(changed.seq)).toEqual({ runs: [], seq: changed.seq, next: null, remaining: 0 });

    // Deletion is a change too: the run comes back marked deleted.
    await ml('runs/delete', { run_id: ids[1] });
    const deleted = await feed(changed.seq);
    expect(deleted.runs.map((r) => [r.name, r.lifecycleStage])).toEqual([['b', 'deleted']]);
  });

  it('sends non-finite metric values as strings, beside runs whose values are all finite', async () => {
    const before = (await feed(0, 5000)).seq;
    const finite = await ml('runs/create', { experiment_id: '0', run_name: 'finite', start_time: 1000 });
    const odd = await ml('runs/create', { experiment_id: '0', run_name: 'odd', start_time: 1000 });
    const idOf = (r: Record<string, unknown>) => (r.run as { info: { run_id: string } }).info.run_id;
    await ml('runs/log-batch', { run_id: idOf(finite), metrics: [{ key: 'acc', value: 0.5, timestamp: 1, step: 0 }] });
    await ml('runs/log-batch', {
      run_id: idOf(odd),
      metrics: [
        { key: 'loss', value: 'NaN', timestamp: 1, step: 0 },
        { key: 'grad', value: 'Infinity', timestamp: 1, step: 0 },
      ],
    });
    const raw = await (await call('GET', `/api/v1/repos/admin/feed/runs?since=${before}`)).text();
    expect(raw).toContain('"loss":"NaN"');
    expect(raw).toContain('"grad":"Infinity"');
    const runs = new Map((await feed(before)).runs.map((r) => [r.name, r]));
    expect(runs.get('odd')?.metrics.loss).toBeNaN();
    expect(runs.get('odd')?.metricSummaries.grad?.last).toBe(Number.POSITIVE_INFINITY);
    expect(runs.get('finite')?.metrics.acc).toBe(0.5);
    // A page of finite runs only is plain JSON too.
    const plain = await (await call('GET', `/api/v1/repos/admin/feed/runs?since=${before}&limit=1`)).json();
    expect((plain as { runs: Run[] }).runs[0]?.metrics).toEqual({ acc: 0.5 });
  });

  it('refuses bad parameters and callers without access', async () => {
    expect((await call('GET', '/api/v1/repos/admin/feed/runs?since=-1')).status).toBe(400);
    expect((await call('GET', '/api/v1/repos/admin/feed/runs?limit=0')).status).toBe(400);
    const anon = await call('GET', '/api/v1/repos/admin/feed/runs', undefined, null);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await call('GET', '/api/v1/repos/admin/feed/runs', undefined, readerToken)).status).toBe(200);
    expect((await batch([offline('r-1')], readerToken)).status).toBe(403);
    expect((await call('GET', '/api/v1/repos/admin/nope/runs')).status).toBe(404);
    expect((await call('PUT', '/api/v1/repos/admin/feed/runs/batch', { runs: [] })).status).toBe(405);
  });
});

describe('offline run upload', () => {
  it('creates runs with client ids once; re-sending changes nothing', async () => {
    const before = (await feed(0)).seq;
    const up = await batch([offline('laptop-run-1'), offline('laptop-run-2', { status: 'FAILED' })]);
    expect(up.status).toBe(200);
    expect(up.json.results).toEqual([
      { id: 'laptop-run-1', outcome: 'created' },
      { id: 'laptop-run-2', outcome: 'created' },
    ]);
    const seq = up.json.seq as number;
    expect(seq).toBeGreaterThan(before);
    const arrived = await feed(before);
    expect(arrived.runs.map((r) => r.id)).toEqual(['laptop-run-1', 'laptop-run-2']);
    expect(arrived.runs[0]).toMatchObject({
      status: 'FINISHED',
      params: { lr: '0.01' },
      metrics: { loss: 0.4 },
      endTime: 1_700_000_060_000,
    });

    const again = await batch([offline('laptop-run-1'), offline('laptop-run-2', { status: 'FAILED' })]);
    expect(again.json).toEqual({
      results: [
        { id: 'laptop-run-1', outcome: 'unchanged' },
        { id: 'laptop-run-2', outcome: 'unchanged' },
      ],
      seq,
    });
    expect((await feed(seq)).runs).toEqual([]);

    // The same run with one more metric point: merged, not duplicated.
    const more = offline('laptop-run-1');
    more.metrics.push({ key: 'loss', value: 0.2, timestamp: 1_700_000_000_003, step: 2 });
    expect((await batch([more])).json.results).toEqual([{ id: 'laptop-run-1', outcome: 'updated' }]);
    const history = await call(
      'GET',
      '/admin/feed.mlflow/api/2.0/mlflow/metrics/get-history?run_id=laptop-run-1&metric_key=loss',
    );
    expect(((await history.json()) as { metrics: Array<{ value: number }> }).metrics.map((m) => m.value)).toEqual([
      0.9, 0.4, 0.2,
    ]);

    // Offline runs are ordinary MLflow runs.
    const found = await ml('runs/search', {
      experiment_ids: ['0'],
      filter: "tags.origin = 'laptop' and metrics.loss < 0.3",
    });
    expect((found.runs as Array<{ info: { run_id: string } }>).map((r) => r.info.run_id)).toEqual(['laptop-run-1']);
  });

  it('refuses a whole batch that changes a param, and names the run', async () => {
    const seq = (await feed(0)).seq;
    const r = await batch([
      offline('laptop-run-3'),
      offline('laptop-run-2', { status: 'FAILED', params: { lr: '0.5' } }),
    ]);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'invalid_run' });
    expect(JSON.stringify(r.json)).toContain('laptop-run-2');
    expect((await feed(seq)).runs).toEqual([]);
    expect((await call('GET', '/admin/feed.mlflow/api/2.0/mlflow/runs/get?run_id=laptop-run-3')).status).toBe(404);
  });

  it('validates uploaded runs', async () => {
    for (const bad of [
      offline('../etc'),
      offline('ok-1', { status: 'DONE' }),
      offline('ok-2', { startTime: 'yesterday' }),
      offline('ok-3', { params: { 'bad key!': 'x' } }),
      offline('ok-4', { metrics: [{ key: 'loss', value: 'high', timestamp: 1 }] }),
      'not an object',
    ]) {
      const r = await batch([bad]);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect((r.json.error as { code: string }).code).toBe('invalid_run');
    }
    const notJson = await fetch(`${server.url}/api/v1/repos/admin/feed/runs/batch`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      body: '{"runs": [',
    });
    expect(notJson.status).toBe(400);
  });
});
