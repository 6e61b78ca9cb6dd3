import http from 'node:http';
import MLflow from 'mlflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * A third-party MLflow client (the npm `mlflow` package, 2.0.7) drives a whole tracking session
 * against the real server, then raw HTTP checks what that client cannot reach: the error shape
 * and statuses, auth refusals, old-client aliases, artifacts and path traversal.
 */
const ADMIN_TOKEN = 'cairn_test_admin_token_mlflow_01';

let server: TestServer;
let readerToken: string;
let base: string;

async function api(method: string, p: string, body?: unknown, token = ADMIN_TOKEN): Promise<Response> {
  return fetch(`${server.url}/api/v1${p}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Raw MLflow REST call; `auth` null sends no credentials. */
async function ml(
  method: 'GET' | 'POST',
  endpoint: string,
  body: Record<string, unknown> = {},
  auth: string | null = `Bearer ${ADMIN_TOKEN}`,
  prefix = '/api/2.0/mlflow/',
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const q = method === 'GET' ? `?${new URLSearchParams(body as Record<string, string>)}` : '';
  const res = await fetch(`${base}${prefix}${endpoint}${q}`, {
    method,
    headers: { ...(auth ? { Authorization: auth } : {}), 'Content-Type': 'application/json' },
    body: method === 'POST' ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {}, headers: res.headers };
}

// biome-ignore lint/suspicious/noExplicitAny: the client hands back MLflow's JSON untyped.
type Json = any;
type Call = (args?: Record<string, unknown>) => Promise<Json>;
/** The client's methods as called here (its own typings demand fields MLflow makes optional). */
interface Client {
  Experiments: Record<'list' | 'create' | 'get' | 'update' | 'delete' | 'restore', Call>;
  Runs: Record<
    | 'create'
    | 'get'
    | 'update'
    | 'delete'
    | 'restore'
    | 'logMetric'
    | 'logParameter'
    | 'logBatch'
    | 'setTag'
    | 'deleteTag'
    | 'search',
    Call
  >;
  Metrics: Record<'getHistory', Call>;
  Artifacts: Record<'list', Call>;
}

/** A request with the path exactly as given (no URL normalisation). */
function rawRequest(method: string, rawPath: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path: rawPath,
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  server = await startTestServer({ CAIRN_ADMIN_PASSWORD: 'admin-password-mlflow', CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
  base = `${server.url}/admin/proj.mlflow`;
  expect((await api('POST', '/repos', { name: 'proj', private: true })).status).toBe(201);
  expect((await api('POST', '/users', { username: 'reader', password: 'reader-password' })).status).toBe(201);
  expect((await api('PUT', '/repos/admin/proj/collaborators/reader', { permission: 'read' })).status).toBe(200);
  const session = await api('POST', '/session', { username: 'reader', password: 'reader-password' }, '');
  readerToken = ((await session.json()) as { token: string }).token;
});
afterAll(async () => {
  await server?.stop();
});

describe('the npm mlflow client, end to end', () => {
  it('runs a full tracking session', async () => {
    // The client console.logs every POST body: keep test output clean, and check what it sent.
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const client = new MLflow({
        endpoint: base,
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      }) as unknown as Client;
      const listed = await client.Experiments.list();
      expect(listed.experiments.map((e: { name: string }) => e.name)).toEqual(['Default']);

      const { experiment_id } = await client.Experiments.create({ name: 'segmentation' });
      expect(experiment_id).toBe('1');
      const got = await client.Experiments.get({ experiment_id });
      expect(got.experiment).toMatchObject({
        name: 'segmentation',
        lifecycle_stage: 'active',
        artifact_location: 'mlflow-artifacts:/1',
      });
      await client.Experiments.update({ experiment_id, new_name: 'seg' });
      expect((await client.Experiments.get({ experiment_id })).experiment.name).toBe('seg');

      const start = Date.now() - 10_000;
      const created = await client.Runs.create({
        experiment_id,
        user_id: 'ada',
        start_time: start,
        tags: [{ key: 'mlflow.runName', value: 'unet-1' }],
      });
      const runId: string = created.run.info.run_id;
      expect(created.run.info).toMatchObject({
        run_uuid: runId,
        run_name: 'unet-1',
        status: 'RUNNING',
        user_id: 'ada',
        start_time: start,
      });
      expect(created.run.info.artifact_uri).toBe(`mlflow-artifacts:/1/${runId}/artifacts`);

      await client.Runs.logParameter({ run_id: runId, key: 'lr', value: '0.01' });
      await client.Runs.logParameter({ run_id: runId, key: 'lr', value: '0.01' }); // same value: fine
      await expect(client.Runs.logParameter({ run_id: runId, key: 'lr', value: '0.1' })).rejects.toThrow(
        /INVALID_PARAMETER_VALUE/,
      );
      for (let step = 0; step < 5; step++) {
        await client.Runs.logMetric({
          run_id: runId,
          key: 'loss',
          value: 1 / (step + 1),
          timestamp: start + step,
          step,
        });
      }
      await client.Runs.logBatch({
        run_id: runId,
        metrics: [
          { key: 'acc', value: 0.8, timestamp: start + 10, step: 1 },
          { key: 'acc', value: 0.9, timestamp: start + 20, step: 2 },
        ],
        params: [{ key: 'epochs', value: '20' }],
        tags: [{ key: 'team', value: 'vision' }],
      });
      await client.Runs.setTag({ run_id: runId, key: 'temp', value: 'x' });
      await client.Runs.deleteTag({ run_id: runId, key: 'temp' });

      const history = await client.Metrics.getHistory({ run_id: runId, metric_key: 'loss' });
      expect(history.metrics.map((m: { step: number }) => m.step)).toEqual([0, 1, 2, 3, 4]);
      expect(history.metrics[4].value).toBeCloseTo(0.2);

      const run = (await client.Runs.get({ run_id: runId })).run;
      const kv = (list: Array<{ key: string; value: unknown }>) =>
        Object.fromEntries(list.map((x) => [x.key, x.value]));
      expect(kv(run.data.params)).toEqual({ lr: '0.01', epochs: '20' });
      expect(kv(run.data.metrics)).toEqual({ loss: 0.2, acc: 0.9 });
      expect(kv(run.data.tags)).toEqual({ 'mlflow.runName': 'unet-1', team: 'vision' });

      const second = (await client.Runs.create({ experiment_id, start_time: start + 1000 })).run.info.run_id as string;
      await client.Runs.logMetric({ run_id: second, key: 'acc', value: 0.95, timestamp: start + 1001, step: 0 });

      const found = await client.Runs.search({
        experiment_ids: [experiment_id],
        filter: "metrics.acc > 0.85 and tags.team = 'vision'",
        order_by: ['metrics.acc DESC'],
      });
      expect(found.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([runId]);
      const ordered = await client.Runs.search({
        experiment_ids: [experiment_id],
        order_by: ['metrics.acc DESC'],
        max_results: 1,
      });
      expect(ordered.runs[0].info.run_id).toBe(second);
      expect(typeof ordered.next_page_token).toBe('string');
      const page2 = await client.Runs.search({
        experiment_ids: [experiment_id],
        order_by: ['metrics.acc DESC'],
        max_results: 1,
        page_token: ordered.next_page_token,
      });
      expect(page2.runs[0].info.run_id).toBe(runId);
      expect(page2.next_page_token).toBeUndefined();

      const end = Date.now();
      const updated = await client.Runs.update({ run_id: runId, status: 'FINISHED', end_time: end });
      expect(updated.run_info).toMatchObject({ status: 'FINISHED', end_time: end });

      await client.Runs.delete({ run_id: second });
      expect((await client.Runs.search({ experiment_ids: [experiment_id] })).runs).toHaveLength(1);
      expect(
        (await client.Runs.search({ experiment_ids: [experiment_id], run_view_type: 'DELETED_ONLY' })).runs,
      ).toHaveLength(1);
      await expect(
        client.Runs.logMetric({ run_id: second, key: 'acc', value: 1, timestamp: end, step: 1 }),
      ).rejects.toThrow(/INVALID_PARAMETER_VALUE/);
      await client.Runs.restore({ run_id: second });
      expect((await client.Runs.search({ experiment_ids: [experiment_id] })).runs).toHaveLength(2);

      const arts = await client.Artifacts.list({ run_id: runId });
      expect(arts).toEqual({ root_uri: `mlflow-artifacts:/1/${runId}/artifacts`, files: [] });

      await client.Experiments.delete({ experiment_id });
      expect(
        (await client.Experiments.list({ view_type: 'DELETED_ONLY' })).experiments.map((e: { name: string }) => e.name),
      ).toEqual(['seg']);
      expect((await client.Runs.get({ run_id: runId })).run.info.lifecycle_stage).toBe('deleted');
      await client.Experiments.restore({ experiment_id });
      expect((await client.Runs.get({ run_id: runId })).run.info.lifecycle_stage).toBe('active');

      expect(log).toHaveBeenCalled();
      expect(String(log.mock.calls[0]?.[0])).toContain('"name":"segmentation"');
    } finally {
      log.mockRestore();
    }
  });
});

describe('MLflow REST over raw HTTP', () => {
  it('answers writes with 200 and {} and accepts old clients (run_uuid, int64 strings, preview path)', async () => {
    const c = await ml(
      'POST',
      'runs/create',
      { experiment_id: '0', start_time: '1700000000000' },
      undefined,
      '/api/2.0/preview/mlflow/',
    );
    expect(c.status).toBe(200);
    const runId = (c.json.run as { info: { run_id: string; start_time: number } }).info.run_id;
    expect((c.json.run as { info: { start_time: number } }).info.start_time).toBe(1_700_000_000_000);
    const m = await ml('POST', 'runs/log-metric', {
      run_uuid: runId,
      key: 'loss',
      value: 0.5,
      timestamp: '1700000000001',
      step: '3',
    });
    expect(m).toMatchObject({ status: 200, json: {} });
    const nan = await ml('POST', 'runs/log-metric', { run_id: runId, key: 'odd', value: 'NaN', timestamp: 1 });
    expect(nan.status).toBe(200);
    const got = await ml('GET', 'runs/get', { run_uuid: runId });
    const metrics = (got.json.run as { data: { metrics: Array<{ key: string; value: unknown; step: number }> } }).data
      .metrics;
    expect(metrics.find((x) => x.key === 'loss')).toMatchObject({ value: 0.5, step: 3 });
    expect(metrics.find((x) => x.key === 'odd')?.value).toBe('NaN');
  });

  it('pages metric histories and tags experiments', async () => {
    const run = (await ml('POST', 'runs/create', { experiment_id: '0' })).json.run as { info: { run_id: string } };
    const metrics = Array.from({ length: 25 }, (_, step) => ({
      key: 'loss',
      value: 1 / (step + 1),
      timestamp: 1000 + step,
      step,
    }));
    expect((await ml('POST', 'runs/log-batch', { run_id: run.info.run_id, metrics })).status).toBe(200);
    const steps: number[] = [];
    let token: string | undefined;
    do {
      const page = await ml('GET', 'metrics/get-history', {
        run_id: run.info.run_id,
        metric_key: 'loss',
        max_results: '10',
        ...(token ? { page_token: token } : {}),
      });
      steps.push(...(page.json.metrics as Array<{ step: number }>).map((m) => m.step));
      token = page.json.next_page_token as string | undefined;
    } while (token);
    expect(steps).toEqual(Array.from({ length: 25 }, (_, i) => i));

    const id = (await ml('POST', 'experiments/create', { name: 'tagged' })).json.experiment_id as string;
    expect(
      await ml('POST', 'experiments/set-experiment-tag', { experiment_id: id, key: 'owner', value: 'ada' }),
    ).toMatchObject({
      status: 200,
      json: {},
    });
    const byName = await ml('GET', 'experiments/get-by-name', { experiment_name: 'tagged' });
    expect(byName.json.experiment).toMatchObject({ experiment_id: id, tags: [{ key: 'owner', value: 'ada' }] });
    const viaGet = await ml('GET', 'experiments/search', { filter: "tags.owner = 'ada'" });
    expect((viaGet.json.experiments as Array<{ name: string }>).map((e) => e.name)).toEqual(['tagged']);
  });

  it('uses MLflow error codes and statuses', async () => {
    expect(await ml('GET', 'runs/get', { run_id: 'nope' })).toMatchObject({
      status: 404,
      json: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    expect(await ml('GET', 'experiments/get-by-name', { experiment_name: 'missing' })).toMatchObject({
      status: 404,
      json: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    await ml('POST', 'experiments/create', { name: 'dup' });
    expect(await ml('POST', 'experiments/create', { name: 'dup' })).toMatchObject({
      status: 400,
      json: { error_code: 'RESOURCE_ALREADY_EXISTS' },
    });
    expect(await ml('POST', 'experiments/create', {})).toMatchObject({
      status: 400,
      json: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
    expect(await ml('POST', 'runs/nonsense', {})).toMatchObject({
      status: 404,
      json: { error_code: 'ENDPOINT_NOT_FOUND' },
    });
    const bad = await fetch(`${base}/api/2.0/mlflow/runs/create`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      body: '{"experiment_id": ',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error_code: string }).error_code).toBe('MALFORMED_REQUEST');
    expect((await ml('GET', 'runs/create')).status).toBe(405);
    const run = (await ml('POST', 'runs/create', { experiment_id: '0' })).json.run as { info: { run_id: string } };
    expect(await ml('POST', 'runs/log-parameter', { run_id: run.info.run_id, key: '../up', value: 'x' })).toMatchObject(
      {
        status: 400,
        json: { error_code: 'INVALID_PARAMETER_VALUE' },
      },
    );
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' }));
    expect(await ml('POST', 'runs/log-batch', { run_id: run.info.run_id, params: tooMany })).toMatchObject({
      status: 400,
      json: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
    const history = await ml('GET', 'metrics/get-history', { run_id: run.info.run_id, metric_key: 'none' });
    expect(history).toMatchObject({ status: 200, json: { metrics: [] } });
  });

  it('refuses without credentials (401 + Basic challenge), readers cannot write, strangers see nothing', async () => {
    const anon = await ml('GET', 'experiments/list', {}, null);
    expect(anon.status).toBe(401);
    expect(anon.json.error_code).toBe('UNAUTHENTICATED');
    expect(anon.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await ml('GET', 'experiments/list', {}, 'Bearer wrong-token')).status).toBe(401);

    const basic = `Basic ${Buffer.from(`reader:${readerToken}`).toString('base64')}`;
    expect((await ml('GET', 'experiments/list', {}, basic)).status).toBe(200);
    expect((await ml('POST', 'experiments/search', { max_results: 10 }, `Bearer ${readerToken}`)).status).toBe(200);
    const denied = await ml('POST', 'experiments/create', { name: 'x' }, `Bearer ${readerToken}`);
    expect(denied).toMatchObject({ status: 403, json: { error_code: 'PERMISSION_DENIED' } });

    const other = await fetch(`${server.url}/admin/nothing-here.mlflow/api/2.0/mlflow/experiments/list`, {
      headers: { Authorization: `Bearer ${readerToken}` },
    });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error_code: string }).error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('keeps each repository its own namespace', async () => {
    expect((await api('POST', '/repos', { name: 'other', private: true })).status).toBe(201);
    const otherBase = `${server.url}/admin/other.mlflow/api/2.0/mlflow`;
    const res = await fetch(`${otherBase}/experiments/list`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    const names = ((await res.json()) as { experiments: Array<{ name: string }> }).experiments.map((e) => e.name);
    expect(names).toEqual(['Default']);
  });
});

describe('MLflow artifacts', () => {
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  it('uploads, lists and downloads through the artifact proxy and artifacts/list', async () => {
    const run = (await ml('POST', 'runs/create', { experiment_id: '0' })).json.run as { info: { run_id: string } };
    const root = `0/${run.info.run_id}/artifacts`;
    const art = `${base}/api/2.0/mlflow-artifacts/artifacts`;
    const put = await fetch(`${art}/${root}/model/weights.bin`, {
      method: 'PUT',
      headers: auth,
      body: Buffer.alloc(3000, 7),
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({});
    expect((await fetch(`${art}/${root}/notes.txt`, { method: 'PUT', headers: auth, body: 'hello' })).status).toBe(200);

    const listed = await (await fetch(`${art}?path=${encodeURIComponent(root)}`, { headers: auth })).json();
    expect(listed).toEqual({
      files: [
        { path: 'model', is_dir: true },
        { path: 'notes.txt', is_dir: false, file_size: 5 },
      ],
    });
    const down = await fetch(`${art}/${root}/model/weights.bin`, { headers: auth });
    expect(Buffer.from(await down.arrayBuffer()).equals(Buffer.alloc(3000, 7))).toBe(true);

    const viaRun = await ml('GET', 'artifacts/list', { run_id: run.info.run_id, path: 'model' });
    expect(viaRun.json).toEqual({
      root_uri: `mlflow-artifacts:/${root}`,
      files: [{ path: 'model/weights.bin', is_dir: false, file_size: 3000 }],
    });
    expect((await fetch(`${art}/${root}/missing`, { headers: auth })).status).toBe(404);
  });

  it('refuses traversal and readers uploading, and writes nothing outside its folder', async () => {
    const art = `${base}/api/2.0/mlflow-artifacts/artifacts`;
    // Raw requests: fetch would normalise the dot segments away before they reach the server.
    const artPath = '/admin/proj.mlflow/api/2.0/mlflow-artifacts/artifacts';
    for (const bad of [
      'a//b',
      'a/..%2F..%2F..%2Fescape.txt',
      '%2E%2E%2F%2E%2E%2Fescape.txt',
      'a%5C..%5Cescape',
      'a/%00',
      'a/.cairn-upload-x',
    ]) {
      const res = await rawRequest('PUT', `${artPath}/${bad}`, 'x');
      expect(res.status, bad).toBe(400);
      expect((JSON.parse(res.body) as { error_code: string }).error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    // Plain dot segments are resolved by URL parsing before routing: they leave the artifact
    // endpoint altogether and reach no handler.
    for (const bad of ['../../../../escape.txt', '%2E%2E/%2E%2E/%2E%2E/%2E%2E/escape.txt']) {
      const res = await rawRequest('PUT', `${artPath}/${bad}`, 'x');
      expect(res.status, bad).toBe(404);
    }
    const reader = await fetch(`${art}/0/x.txt`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${readerToken}` },
      body: 'x',
    });
    expect(reader.status).toBe(403);
    const fs = await import('node:fs');
    const path = await import('node:path');
    expect(fs.existsSync(path.join(server.dataDir, 'escape.txt'))).toBe(false);
    expect(fs.existsSync(path.join(server.dataDir, 'mlflow-artifacts', 'escape.txt'))).toBe(false);
  });
});
