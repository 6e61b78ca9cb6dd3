import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cairnServer } from '../support/cairn-server-cli.ts';
import { basicAuth, v3Path } from '../support/dvc-upload.ts';
import { runGit } from '../support/git-cli.ts';
import { type PushedProject, pushProject } from '../support/ops-project.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Renaming and transferring a repository keeps its code, data, runs and notes, and its old URLs
 * redirect (git clone, DVC, the API, app pages) for those who may read it; deleting asks for the
 * name typed back, takes everything, and a repository re-created under the name starts empty.
 */
const TOKEN = 'cairn_test_admin_token_lifecycle';
const ENV = { CAIRN_ADMIN_PASSWORD: 'admin-password-lifecycle', CAIRN_ADMIN_TOKEN: TOKEN };
const AUTH = basicAuth('admin', TOKEN);

let server: TestServer;
let work: string;
let project: PushedProject;
let runId: string;
let bobToken: string;
let carolToken: string;

async function api(method: string, p: string, body?: unknown, auth: string | null = `Bearer ${TOKEN}`) {
  const res = await fetch(`${server.url}${p}`, {
    method,
    redirect: 'manual',
    headers: { ...(auth ? { Authorization: auth } : {}), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, location: res.headers.get('location'), json: text ? JSON.parse(text) : null };
}
const notes = () => {
  const db = new Database(path.join(server.dataDir, 'cairn.db'), { readonly: true });
  const docs = (db.prepare('SELECT DISTINCT doc FROM yjs_updates ORDER BY doc').all() as Array<{ doc: string }>).map(
    (r) => r.doc,
  );
  db.close();
  return docs;
};
const cloneUrl = (repo: string) => `${server.url.replace('http://', `http://admin:${TOKEN}@`)}/${repo}.git`;
const headOf = async (repo: string) =>
  (await runGit(['ls-remote', cloneUrl(repo), 'refs/heads/main'], { home: work })).stdout.split('\t')[0];

async function session(username: string, password: string): Promise<string> {
  expect((await api('POST', '/api/v1/users', { username, password })).status).toBe(201);
  return `Bearer ${(await api('POST', '/api/v1/session', { username, password }, null)).json.token}`;
}

beforeAll(async () => {
  server = await startTestServer(ENV);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-lifecycle-test-'));
  expect((await api('POST', '/api/v1/repos', { name: 'proj', private: true })).status).toBe(201);
  project = await pushProject(server.url, 'admin', TOKEN, 'admin/proj', work);
  const run = await api('POST', '/admin/proj.mlflow/api/2.0/mlflow/runs/create', { experiment_id: '0' });
  runId = run.json.run.info.run_id;
  const model = await api('POST', '/admin/proj.mlflow/api/2.0/mlflow/registered-models/create', { name: 'unet' });
  expect(model.status).toBe(200);
  const art = await fetch(
    `${server.url}/admin/proj.mlflow/api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts/model.bin`,
    { method: 'PUT', headers: { Authorization: AUTH }, body: 'weights' },
  );
  expect(art.status).toBe(200);
  // A stored live note of the repository (as the Yjs server keeps them: by owner/repo/doc).
  const db = new Database(path.join(server.dataDir, 'cairn.db'));
  db.prepare('INSERT INTO yjs_updates (doc, data, created_at) VALUES (?, ?, ?)').run(
    'admin/proj/notes',
    Buffer.from([0, 0]),
    Date.now(),
  );
  db.close();
  bobToken = await session('bob', 'bob-password-lifecycle');
  carolToken = await session('carol', 'carol-password-lifecycle');
  expect((await api('PUT', '/api/v1/repos/admin/proj/collaborators/bob', { permission: 'read' })).status).toBe(200);
});
afterAll(async () => {
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('repository rename, transfer and delete', () => {
  it('renames; old URLs redirect for readers only; code, data, runs and notes come along', async () => {
    const head = await headOf('admin/proj');
    const renamed = await api('POST', '/api/v1/repos/admin/proj/rename', { name: 'renamed' });
    expect(renamed).toMatchObject({ status: 200, json: { fullName: 'admin/renamed' } });

    expect(await api('GET', '/api/v1/repos/admin/proj')).toMatchObject({
      status: 308,
      location: '/api/v1/repos/admin/renamed',
    });
    expect((await api('GET', '/api/v1/repos/admin/proj', undefined, bobToken)).status).toBe(308);
    expect((await api('GET', '/admin/proj/tree/main/data?x=1', undefined, bobToken)).location).toBe(
      '/admin/renamed/tree/main/data?x=1',
    );
    // Nobody learns where a private repository went without the right to read it.
    expect((await api('GET', '/api/v1/repos/admin/proj', undefined, carolToken)).status).toBe(404);
    expect((await api('GET', '/api/v1/repos/admin/proj', undefined, null)).status).toBe(401);

    // git and DVC follow the redirect to the same history and bytes.
    const clone = path.join(work, 'old-url-clone');
    expect((await runGit(['clone', '-q', cloneUrl('admin/proj'), clone], { home: work })).code).toBe(0);
    expect((await runGit(['rev-parse', 'HEAD'], { home: work, cwd: clone })).stdout.trim()).toBe(head);
    const obj = await fetch(`${server.url}/admin/proj.dvc/${v3Path(project.csv.md5)}`, {
      headers: { Authorization: AUTH },
    });
    expect(obj.status).toBe(200);
    expect(Buffer.from(await obj.arrayBuffer()).equals(project.csv.bytes)).toBe(true);
    const run = await api('GET', `/admin/renamed.mlflow/api/2.0/mlflow/runs/get?run_id=${runId}`);
    expect(run.json.run.info.run_id).toBe(runId);
    expect(notes()).toEqual(['admin/renamed/notes']);
  });

  it('transfers to another owner; every old name still redirects', async () => {
    expect((await api('POST', '/api/v1/repos/admin/renamed/rename', { owner: 'bob' }, bobToken)).status).toBe(403);
    const moved = await api('POST', '/api/v1/repos/admin/renamed/rename', { owner: 'bob' });
    expect(moved).toMatchObject({ status: 200, json: { fullName: 'bob/renamed' } });
    expect((await api('GET', '/api/v1/repos/admin/renamed')).location).toBe('/api/v1/repos/bob/renamed');
    expect((await api('GET', '/api/v1/repos/admin/proj')).location).toBe('/api/v1/repos/bob/renamed');
    expect((await api('GET', '/api/v1/repos/bob/renamed', undefined, bobToken)).json.owner).toBe('bob');
    expect(notes()).toEqual(['bob/renamed/notes']);
  });

  it('deletes only with the name typed back, takes everything, and the name starts empty again', async () => {
    const refused = await api('DELETE', '/api/v1/repos/bob/renamed', { confirm: 'renamed' });
    expect(refused).toMatchObject({ status: 400, json: { error: { code: 'confirmation_required' } } });
    expect((await api('DELETE', '/api/v1/repos/bob/renamed', { confirm: 'bob/renamed' }, carolToken)).status).toBe(404);
    const gitDir = path.join(server.dataDir, 'git', '1.git');
    expect(fs.existsSync(gitDir)).toBe(true);

    expect((await api('DELETE', '/api/v1/repos/bob/renamed', { confirm: 'bob/renamed' })).status).toBe(204);
    expect((await api('GET', '/api/v1/repos/bob/renamed')).status).toBe(404);
    expect((await api('GET', '/api/v1/repos/admin/proj')).status).toBe(404); // old names go with it
    expect(fs.existsSync(gitDir)).toBe(false);
    expect(fs.existsSync(path.join(server.dataDir, 'mlflow-artifacts', '1'))).toBe(false);
    expect(notes()).toEqual([]);

    // Re-created under the same name (SQLite even reuses the id): nothing of the old one shows.
    expect((await api('POST', '/api/v1/repos', { name: 'renamed', private: true }, bobToken)).status).toBe(201);
    expect(await headOf('bob/renamed')).toBe('');
    const missing = await api('POST', '/bob/renamed.dvc/missing', { oids: [project.csv.md5] });
    expect(missing.json).toEqual({ missing: [project.csv.md5] });
    const runs = await api('POST', '/bob/renamed.mlflow/api/2.0/mlflow/runs/search', { experiment_ids: ['0'] });
    expect(runs.json.runs ?? []).toEqual([]);
    const models = await api('POST', '/bob/renamed.mlflow/api/2.0/mlflow/registered-models/search', {});
    expect(models.json.registered_models ?? []).toEqual([]);
    const gone = await api(
      'GET',
      `/bob/renamed.mlflow/api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts/model.bin`,
    );
    expect(gone.status).toBe(404);

    // The old objects now belong to no repository: gc removes them.
    const gc = await cairnServer(['gc', '--json', '--grace', '0', '--data', server.dataDir]);
    expect(gc.code).toBe(0);
    expect(JSON.parse(gc.stdout).objects).toHaveLength(5);
  });
});
