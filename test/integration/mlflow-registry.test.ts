import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The MLflow Model Registry of a repository, against the real server. The npm `mlflow` client has
 * no registry calls, so requests are shaped as MLflow's Python client sends them
 * (mlflow/store/model_registry/rest_store.py): GET with query parameters, POST and PATCH with
 * JSON, DELETE with a JSON body. The download path follows `ModelsArtifactRepository`:
 * resolve `models:/NAME@ALIAS` (or `/VERSION`) to a download URI, then fetch through the
 * `mlflow-artifacts` proxy.
 */
const ADMIN_TOKEN = 'cairn_test_admin_token_registry_1';
const ADMIN_PASSWORD = 'admin-password-registry';

let server: TestServer;
let base: string;
let readerToken: string;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
// biome-ignore lint/suspicious/noExplicitAny: MLflow's JSON, read loosely in assertions.
type Json = any;

async function api(method: string, p: string, body?: unknown, token = ADMIN_TOKEN): Promise<Response> {
  return fetch(`${server.url}/api/v1${p}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** One REST call as the Python client makes it. */
async function ml(
  method: Method,
  endpoint: string,
  body: Record<string, unknown> = {},
  token = ADMIN_TOKEN,
  repoBase = base,
): Promise<{ status: number; json: Json }> {
  let url = `${repoBase}/api/2.0/mlflow/${endpoint}`;
  if (method === 'GET') {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) for (const x of Array.isArray(v) ? v : [v]) qs.append(k, String(x));
    url += `?${qs}`;
  }
  const res = await fetch(url, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      'User-Agent': 'mlflow-python-client/2.16.0',
    },
    body: method === 'GET' ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

async function upload(path: string, content: string): Promise<void> {
  const res = await fetch(`${base}/api/2.0/mlflow-artifacts/artifacts/${path}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    body: content,
  });
  expect(res.status).toBe(200);
}

const MLMODEL = `artifact_path: model
flavors:
  python_function:
    loader_module: mlflow.sklearn
    python_version: 3.11.4
  sklearn:
    sklearn_version: 1.3.0
run_id: RUN
`;

let runId: string;
let run2: string;

beforeAll(async () => {
  server = await startTestServer({ CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD, CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
  base = `${server.url}/admin/models.mlflow`;
  expect((await api('POST', '/repos', { name: 'models', private: true })).status).toBe(201);
  expect((await api('POST', '/repos', { name: 'other', private: true })).status).toBe(201);
  expect((await api('POST', '/users', { username: 'reader', password: 'reader-password' })).status).toBe(201);
  expect((await api('PUT', '/repos/admin/models/collaborators/reader', { permission: 'read' })).status).toBe(200);
  const session = await api('POST', '/session', { username: 'reader', password: 'reader-password' }, '');
  readerToken = ((await session.json()) as { token: string }).token;

  for (const [i, acc] of [0.81, 0.87].entries()) {
    const r = await ml('POST', 'runs/create', { experiment_id: '0', run_name: `unet-${i}`, start_time: Date.now() });
    expect(r.status).toBe(200);
    const id = r.json.run.info.run_id as string;
    await ml('POST', 'runs/log-metric', { run_id: id, key: 'accuracy', value: acc, timestamp: Date.now(), step: 0 });
    await upload(`0/${id}/artifacts/model/MLmodel`, MLMODEL.replace('RUN', id));
    await upload(`0/${id}/artifacts/model/model.pkl`, `pickle-bytes-${i}`);
    if (i === 0) runId = id;
    else run2 = id;
  }
});
afterAll(async () => {
  await server?.stop();
});

describe('registered models', () => {
  it('creates, gets, searches, updates, tags, renames and deletes', async () => {
    const created = await ml('POST', 'registered-models/create', {
      name: 'seg-unet',
      description: 'U-Net for segmentation',
      tags: [{ key: 'team', value: 'vision' }],
    });
    expect(created.status).toBe(200);
    expect(created.json.registered_model).toMatchObject({
      name: 'seg-unet',
      description: 'U-Net for segmentation',
      tags: [{ key: 'team', value: 'vision' }],
      latest_versions: [],
      aliases: [],
    });
    expect(typeof created.json.registered_model.creation_timestamp).toBe('number');

    const again = await ml('POST', 'registered-models/create', { name: 'seg-unet' });
    expect(again.status).toBe(400);
    expect(again.json.error_code).toBe('RESOURCE_ALREADY_EXISTS');

    expect((await ml('POST', 'registered-models/create', { name: 'classifier' })).status).toBe(200);
    const all = await ml('GET', 'registered-models/search', { max_results: 1 });
    expect(all.json.registered_models.map((m: Json) => m.name)).toEqual(['classifier']);
    const rest = await ml('GET', 'registered-models/search', { max_results: 1, page_token: all.json.next_page_token });
    expect(rest.json.registered_models.map((m: Json) => m.name)).toEqual(['seg-unet']);
    expect(rest.json.next_page_token).toBeUndefined();
    const like = await ml('GET', 'registered-models/search', { filter: "name ILIKE '%UNET%'" });
    expect(like.json.registered_models.map((m: Json) => m.name)).toEqual(['seg-unet']);
    const byTag = await ml('GET', 'registered-models/search', { filter: "tags.team = 'vision'" });
    expect(byTag.json.registered_models.map((m: Json) => m.name)).toEqual(['seg-unet']);
    const badFilter = await ml('GET', 'registered-models/search', { filter: "owner = 'x'" });
    expect(badFilter.status).toBe(400);
    expect(badFilter.json.error_code).toBe('INVALID_PARAMETER_VALUE');

    const updated = await ml('PATCH', 'registered-models/update', { name: 'seg-unet', description: 'v2 description' });
    expect(updated.json.registered_model.description).toBe('v2 description');
    expect(
      (await ml('POST', 'registered-models/set-tag', { name: 'seg-unet', key: 'task', value: 'seg' })).status,
    ).toBe(200);
    expect((await ml('DELETE', 'registered-models/delete-tag', { name: 'seg-unet', key: 'team' })).status).toBe(200);
    const tagGone = await ml('DELETE', 'registered-models/delete-tag', { name: 'seg-unet', key: 'team' });
    expect(tagGone.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const got = await ml('GET', 'registered-models/get', { name: 'seg-unet' });
    expect(got.json.registered_model.tags).toEqual([{ key: 'task', value: 'seg' }]);

    const renamed = await ml('POST', 'registered-models/rename', { name: 'classifier', new_name: 'clf' });
    expect(renamed.json.registered_model.name).toBe('clf');
    const clash = await ml('POST', 'registered-models/rename', { name: 'clf', new_name: 'seg-unet' });
    expect(clash.json.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    expect((await ml('DELETE', 'registered-models/delete', { name: 'clf' })).status).toBe(200);
    const gone = await ml('GET', 'registered-models/get', { name: 'clf' });
    expect(gone.status).toBe(404);
    expect(gone.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('refuses bad names and methods with MLflow error codes, and never crashes', async () => {
    for (const name of ['', 'a/b', 'x@y', 'a'.repeat(300), 42, null]) {
      const r = await ml('POST', 'registered-models/create', { name });
      expect(r.status, String(name)).toBe(400);
      expect(r.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    const wrongMethod = await ml('GET', 'registered-models/delete', { name: 'seg-unet' });
    expect(wrongMethod.status).toBe(405);
    const badToken = await ml('GET', 'registered-models/search', { page_token: '!!' });
    expect(badToken.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    const badOrder = await ml('GET', 'registered-models/search', { order_by: 'size DESC' });
    expect(badOrder.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('keeps repositories apart and enforces access', async () => {
    const other = `${server.url}/admin/other.mlflow`;
    const there = await ml('GET', 'registered-models/get', { name: 'seg-unet' }, ADMIN_TOKEN, other);
    expect(there.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const readerSees = await ml('GET', 'registered-models/get', { name: 'seg-unet' }, readerToken);
    expect(readerSees.status).toBe(200);
    const readerWrites = await ml('POST', 'registered-models/create', { name: 'nope' }, readerToken);
    expect(readerWrites.status).toBe(403);
    expect(readerWrites.json.error_code).toBe('PERMISSION_DENIED');
    const readerAlias = await ml(
      'POST',
      'registered-models/alias',
      { name: 'seg-unet', alias: 'x', version: '1' },
      readerToken,
    );
    expect(readerAlias.status).toBe(403);
  });
});

describe('model versions, aliases and stages', () => {
  it('registers run artifacts as versions and resolves models:/ URIs to downloadable files', async () => {
    const v1 = await ml('POST', 'model-versions/create', {
      name: 'seg-unet',
      source: `runs:/${runId}/model`,
      run_id: runId,
      description: 'first',
      tags: [{ key: 'validated', value: 'no' }],
    });
    expect(v1.status).toBe(200);
    expect(v1.json.model_version).toMatchObject({
      name: 'seg-unet',
      version: '1',
      source: `runs:/${runId}/model`,
      run_id: runId,
      current_stage: 'None',
      status: 'READY',
      description: 'first',
      tags: [{ key: 'validated', value: 'no' }],
      aliases: [],
    });
    // The Python client resolves runs:/ itself and sends the artifact URI with run_id.
    const v2 = await ml('POST', 'model-versions/create', {
      name: 'seg-unet',
      source: `mlflow-artifacts:/0/${run2}/artifacts/model`,
      run_id: run2,
    });
    expect(v2.json.model_version.version).toBe('2');

    expect(
      (await ml('POST', 'registered-models/alias', { name: 'seg-unet', alias: 'champion', version: '1' })).status,
    ).toBe(200);
    const byAlias = await ml('GET', 'registered-models/alias', { name: 'seg-unet', alias: 'champion' });
    expect(byAlias.json.model_version).toMatchObject({ version: '1', aliases: ['champion'] });
    const model = await ml('GET', 'registered-models/get', { name: 'seg-unet' });
    expect(model.json.registered_model.aliases).toEqual([{ alias: 'champion', version: '1' }]);
    expect(model.json.registered_model.latest_versions.map((v: Json) => [v.version, v.current_stage])).toEqual([
      ['2', 'None'],
    ]);

    // models:/seg-unet@champion, as ModelsArtifactRepository downloads it.
    const uri = await ml('GET', 'model-versions/get-download-uri', {
      name: 'seg-unet',
      version: byAlias.json.model_version.version,
    });
    expect(uri.json.artifact_uri).toBe(`mlflow-artifacts:/0/${runId}/artifacts/model`);
    const artPath = uri.json.artifact_uri.replace('mlflow-artifacts:/', '');
    const listing = await fetch(`${base}/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(artPath)}`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(((await listing.json()) as Json).files.map((f: Json) => f.path)).toEqual(['MLmodel', 'model.pkl']);
    const pkl = await fetch(`${base}/api/2.0/mlflow-artifacts/artifacts/${artPath}/model.pkl`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(await pkl.text()).toBe('pickle-bytes-0');
    // models:/seg-unet/2
    const uri2 = await ml('GET', 'model-versions/get-download-uri', { name: 'seg-unet', version: '2' });
    expect(uri2.json.artifact_uri).toBe(`mlflow-artifacts:/0/${run2}/artifacts/model`);
    // A version copied from models:/NAME@ALIAS points at the same files.
    expect((await ml('POST', 'registered-models/create', { name: 'seg-prod' })).status).toBe(200);
    const copied = await ml('POST', 'model-versions/create', { name: 'seg-prod', source: 'models:/seg-unet@champion' });
    const copiedUri = await ml('GET', 'model-versions/get-download-uri', {
      name: 'seg-prod',
      version: copied.json.model_version.version,
    });
    expect(copiedUri.json.artifact_uri).toBe(uri.json.artifact_uri);

    // Moving the alias.
    await ml('POST', 'registered-models/alias', { name: 'seg-unet', alias: 'champion', version: '2' });
    expect(
      (await ml('GET', 'registered-models/alias', { name: 'seg-unet', alias: 'champion' })).json.model_version.version,
    ).toBe('2');
    expect((await ml('DELETE', 'registered-models/alias', { name: 'seg-unet', alias: 'champion' })).status).toBe(200);
    const noAlias = await ml('GET', 'registered-models/alias', { name: 'seg-unet', alias: 'champion' });
    expect(noAlias.status).toBe(404);
    expect(noAlias.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('searches, updates, tags, transitions stages and deletes versions', async () => {
    const byRun = await ml('GET', 'model-versions/search', { filter: `run_id = '${run2}'` });
    expect(byRun.json.model_versions.map((v: Json) => `${v.name}/${v.version}`)).toEqual(['seg-unet/2']);
    const byName = await ml('GET', 'model-versions/search', { filter: "name='seg-unet'" });
    expect(byName.json.model_versions.map((v: Json) => v.version)).toEqual(['2', '1']);
    const inRuns = await ml('GET', 'model-versions/search', {
      filter: `run_id IN ('${runId}', '${run2}') AND name = 'seg-unet'`,
    });
    expect(inRuns.json.model_versions).toHaveLength(2);

    const upd = await ml('PATCH', 'model-versions/update', { name: 'seg-unet', version: '2', description: 'better' });
    expect(upd.json.model_version.description).toBe('better');
    expect(
      (await ml('POST', 'model-versions/set-tag', { name: 'seg-unet', version: '2', key: 'validated', value: 'yes' }))
        .status,
    ).toBe(200);
    expect((await ml('GET', 'model-versions/get', { name: 'seg-unet', version: '2' })).json.model_version.tags).toEqual(
      [{ key: 'validated', value: 'yes' }],
    );
    expect(
      (await ml('DELETE', 'model-versions/delete-tag', { name: 'seg-unet', version: '2', key: 'validated' })).status,
    ).toBe(200);

    const p1 = await ml('POST', 'model-versions/transition-stage', {
      name: 'seg-unet',
      version: '1',
      stage: 'production',
      archive_existing_versions: false,
    });
    expect(p1.json.model_version.current_stage).toBe('Production');
    const p2 = await ml('POST', 'model-versions/transition-stage', {
      name: 'seg-unet',
      version: '2',
      stage: 'Production',
      archive_existing_versions: true,
    });
    expect(p2.json.model_version.current_stage).toBe('Production');
    expect(
      (await ml('GET', 'model-versions/get', { name: 'seg-unet', version: '1' })).json.model_version.current_stage,
    ).toBe('Archived');
    const latest = await ml('POST', 'registered-models/get-latest-versions', {
      name: 'seg-unet',
      stages: ['Production'],
    });
    expect(latest.json.model_versions.map((v: Json) => v.version)).toEqual(['2']);
    const badStage = await ml('POST', 'model-versions/transition-stage', {
      name: 'seg-unet',
      version: '1',
      stage: 'Prod',
    });
    expect(badStage.json.error_code).toBe('INVALID_PARAMETER_VALUE');

    await ml('POST', 'registered-models/alias', { name: 'seg-unet', alias: 'old', version: '1' });
    expect((await ml('DELETE', 'model-versions/delete', { name: 'seg-unet', version: '1' })).status).toBe(200);
    expect((await ml('GET', 'model-versions/get', { name: 'seg-unet', version: '1' })).json.error_code).toBe(
      'RESOURCE_DOES_NOT_EXIST',
    );
    expect((await ml('GET', 'registered-models/alias', { name: 'seg-unet', alias: 'old' })).status).toBe(404);
    // Numbers are never reused.
    const v3 = await ml('POST', 'model-versions/create', { name: 'seg-unet', source: `runs:/${runId}/model` });
    expect(v3.json.model_version.version).toBe('3');
  });

  it('refuses bad versions, sources, aliases and unknown runs', async () => {
    const cases: Array<[Method, string, Record<string, unknown>, string]> = [
      ['POST', 'model-versions/create', { name: 'nope', source: `runs:/${runId}/model` }, 'RESOURCE_DOES_NOT_EXIST'],
      ['POST', 'model-versions/create', { name: 'seg-unet', source: 'file:///etc/passwd' }, 'INVALID_PARAMETER_VALUE'],
      [
        'POST',
        'model-versions/create',
        { name: 'seg-unet', source: `runs:/${runId}/../../x` },
        'INVALID_PARAMETER_VALUE',
      ],
      [
        'POST',
        'model-versions/create',
        { name: 'seg-unet', source: 'runs:/no-such-run/model' },
        'RESOURCE_DOES_NOT_EXIST',
      ],
      [
        'POST',
        'model-versions/create',
        { name: 'seg-unet', source: `runs:/${runId}/m`, run_id: 'ghost' },
        'RESOURCE_DOES_NOT_EXIST',
      ],
      ['POST', 'model-versions/create', { name: 'seg-unet' }, 'INVALID_PARAMETER_VALUE'],
      ['GET', 'model-versions/get', { name: 'seg-unet', version: 'one' }, 'INVALID_PARAMETER_VALUE'],
      ['GET', 'model-versions/get', { name: 'seg-unet', version: '99' }, 'RESOURCE_DOES_NOT_EXIST'],
      ['POST', 'registered-models/alias', { name: 'seg-unet', alias: 'v3', version: '3' }, 'INVALID_PARAMETER_VALUE'],
      [
        'POST',
        'registered-models/alias',
        { name: 'seg-unet', alias: 'has space', version: '3' },
        'INVALID_PARAMETER_VALUE',
      ],
      [
        'POST',
        'registered-models/alias',
        { name: 'seg-unet', alias: 'prod', version: '42' },
        'RESOURCE_DOES_NOT_EXIST',
      ],
      [
        'POST',
        'model-versions/set-tag',
        { name: 'seg-unet', version: '3', key: '../x', value: 'v' },
        'INVALID_PARAMETER_VALUE',
      ],
    ];
    for (const [method, endpoint, body, code] of cases) {
      const r = await ml(method, endpoint, body);
      expect(r.json.error_code, `${endpoint} ${JSON.stringify(body)}`).toBe(code);
    }
    const broken = await fetch(`${base}/api/2.0/mlflow/model-versions/create`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      body: '{"name": ',
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as Json).error_code).toBe('MALFORMED_REQUEST');
  });

  it('keeps the registry across a restart', async () => {
    const dataDir = server.dataDir;
    await server.close(1000);
    server = { ...(await startTestServer({ CAIRN_DATA: dataDir })), dataDir };
    base = `${server.url}/admin/models.mlflow`;
    const m = await ml('GET', 'registered-models/get', { name: 'seg-unet' });
    expect(m.json.registered_model.latest_versions.map((v: Json) => [v.version, v.current_stage])).toEqual([
      ['2', 'Production'],
      ['3', 'None'],
    ]);
  });
});
