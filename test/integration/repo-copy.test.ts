import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v2Path, v3Path } from '../support/dvc-upload.ts';
import { runGit } from '../support/git-cli.ts';
import { type PushedProject, pushProject } from '../support/ops-project.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * "Copy to my account" (`POST /api/v1/repos/O/R/copy`): a reader gets `/me/NAME` with the
 * source's history (every ref), its DVC data readable from the copy's remote, none of its MLflow
 * runs, and may push there; the source is untouched. Signed out, without read access or with
 * the name taken, the copy is refused with a typed error and nothing is made. Audit-logged.
 */
const TOKEN = 'cairn_test_admin_token_repo_copy';
const ENV = { CAIRN_ADMIN_PASSWORD: 'admin-password-repo-copy', CAIRN_ADMIN_TOKEN: TOKEN };

let server: TestServer;
let work: string;
let project: PushedProject;
let bob: string;
let carol: string;

async function api(method: string, p: string, body?: unknown, auth: string | null = `Bearer ${TOKEN}`) {
  const res = await fetch(`${server.url}${p}`, {
    method,
    headers: { ...(auth ? { Authorization: auth } : {}), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}
async function session(username: string, password: string): Promise<string> {
  expect((await api('POST', '/api/v1/users', { username, password })).status).toBe(201);
  const s = await api('POST', '/api/v1/session', { username, password }, null);
  return s.json.token as string;
}
const gitUrl = (user: string, secret: string, repo: string) =>
  `${server.url.replace('http://', `http://${user}:${encodeURIComponent(secret)}@`)}/${repo}.git`;
const refsOf = async (user: string, secret: string, repo: string) =>
  (await runGit(['ls-remote', gitUrl(user, secret, repo)], { home: work })).stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .sort();

beforeAll(async () => {
  server = await startTestServer(ENV);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-copy-test-'));
  expect(
    (await api('POST', '/api/v1/repos', { name: 'proj', private: true, description: 'segmentation' })).status,
  ).toBe(201);
  project = await pushProject(server.url, 'admin', TOKEN, 'admin/proj', work);
  // A DVC experiment ref, as `dvc exp push` leaves one: copies carry every ref, not only branches.
  const pushed = await runGit(['push', '-q', 'origin', 'main:refs/exps/ab/cdef/exp-1'], {
    home: work,
    cwd: project.clone,
  });
  expect(pushed.code).toBe(0);
  const run = await api('POST', '/admin/proj.mlflow/api/2.0/mlflow/runs/create', { experiment_id: '0' });
  expect(run.status).toBe(200);
  bob = await session('bob', 'bob-password-repo-copy');
  carol = await session('carol', 'carol-password-repo-copy');
  expect((await api('PUT', '/api/v1/repos/admin/proj/collaborators/bob', { permission: 'read' })).status).toBe(200);
});
afterAll(async () => {
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('copy a repository to my account', () => {
  it('refuses a signed-out caller and one who cannot read the source, and makes nothing', async () => {
    const anonymous = await api('POST', '/api/v1/repos/admin/proj/copy', {}, null);
    expect(anonymous).toMatchObject({ status: 401, json: { error: { code: 'unauthorized' } } });
    const stranger = await api('POST', '/api/v1/repos/admin/proj/copy', {}, `Bearer ${carol}`);
    expect(stranger).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
    expect((await api('GET', '/api/v1/repos/carol/proj', undefined, `Bearer ${carol}`)).status).toBe(404);
    const bad = await api('POST', '/api/v1/repos/admin/proj/copy', { name: 'a/b' }, `Bearer ${bob}`);
    expect(bad).toMatchObject({ status: 400, json: { error: { code: 'invalid_name' } } });
  });

  it('a reader gets a copy with every ref and the DVC data, no runs, and can push to it', async () => {
    const made = await api('POST', '/api/v1/repos/admin/proj/copy', {}, `Bearer ${bob}`);
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({
      fullName: 'bob/proj',
      owner: 'bob',
      private: true,
      permission: 'admin',
      description: 'segmentation',
      defaultBranch: 'main',
    });
    const sourceRefs = await refsOf('admin', TOKEN, 'admin/proj');
    expect(sourceRefs.some((l) => l.endsWith('refs/exps/ab/cdef/exp-1'))).toBe(true);
    expect(await refsOf('bob', bob, 'bob/proj')).toEqual(sourceRefs);

    // The data is in the copy's remote: the same bytes, and the batch call misses nothing.
    const auth = `Basic ${Buffer.from(`bob:${bob}`).toString('base64')}`;
    const csv = await fetch(`${server.url}/bob/proj.dvc/${v3Path(project.csv.md5)}`, {
      headers: { Authorization: auth },
    });
    expect(csv.status).toBe(200);
    expect(Buffer.from(await csv.arrayBuffer()).equals(project.csv.bytes)).toBe(true);
    const legacy = await fetch(`${server.url}/bob/proj.dvc/${v2Path(project.legacy.md5)}`, {
      headers: { Authorization: auth },
    });
    expect(Buffer.from(await legacy.arrayBuffer()).equals(project.legacy.bytes)).toBe(true);
    const oids = [project.csv.md5, `${project.dir.md5}.dir`, ...project.dir.entries.map((e) => e.md5)];
    expect((await api('POST', '/bob/proj.dvc/missing', { oids }, `Bearer ${bob}`)).json).toEqual({ missing: [] });

    // MLflow runs stay with the source.
    const runs = await api(
      'POST',
      '/bob/proj.mlflow/api/2.0/mlflow/runs/search',
      { experiment_ids: ['0'] },
      `Bearer ${bob}`,
    );
    expect(runs.json.runs ?? []).toEqual([]);

    // Bob pushes to his copy; the source does not move.
    const clone = path.join(work, 'bob-copy');
    expect((await runGit(['clone', '-q', gitUrl('bob', bob, 'bob/proj'), clone], { home: work })).code).toBe(0);
    fs.writeFileSync(path.join(clone, 'NOTES.md'), 'my change\n');
    await runGit(['add', '.'], { home: work, cwd: clone });
    await runGit(['commit', '-q', '-m', 'mine'], { home: work, cwd: clone });
    const push = await runGit(['push', '-q', 'origin', 'main'], { home: work, cwd: clone });
    expect(push.code, push.out).toBe(0);
    expect(await refsOf('admin', TOKEN, 'admin/proj')).toEqual(sourceRefs);
    // ... and still cannot push to the source.
    const denied = await runGit(['push', '-q', gitUrl('bob', bob, 'admin/proj'), 'main'], { home: work, cwd: clone });
    expect(denied.code).not.toBe(0);

    const audit = await api('GET', '/api/v1/admin/audit?action=repo_copied');
    expect(audit.json.events).toMatchObject([
      { action: 'repo_copied', actor: 'bob', target: 'bob/proj', detail: { from: 'admin/proj' } },
    ]);
  });

  it('refuses a name the caller already has; another name works', async () => {
    const taken = await api('POST', '/api/v1/repos/admin/proj/copy', {}, `Bearer ${bob}`);
    expect(taken).toMatchObject({ status: 409, json: { error: { code: 'name_taken' } } });
    expect(taken.json.error.message).toContain('bob already has a repository named proj');
    const second = await api(
      'POST',
      '/api/v1/repos/admin/proj/copy',
      { name: 'proj-2', private: false },
      `Bearer ${bob}`,
    );
    expect(second).toMatchObject({ status: 201, json: { fullName: 'bob/proj-2', private: false } });
    // A public copy is readable by anyone, its data too.
    const anon = await fetch(`${server.url}/bob/proj-2.dvc/${v3Path(project.csv.md5)}`);
    expect(anon.status).toBe(200);
  });

  it('a copy that fails half-way leaves no repository and no folder behind', async () => {
    expect((await api('POST', '/api/v1/repos', { name: 'broken', private: false })).status).toBe(201);
    const gitRoot = path.join(server.dataDir, 'git');
    const before = fs.readdirSync(gitRoot).sort();
    // The source's git folder is gone from the disk (a damaged data folder): git cannot clone it.
    const db = new Database(path.join(server.dataDir, 'cairn.db'), { readonly: true });
    const { id } = db.prepare("SELECT id FROM repositories WHERE name = 'broken'").get() as { id: number };
    db.close();
    fs.renameSync(path.join(gitRoot, `${id}.git`), path.join(server.dataDir, 'moved-away.git'));
    const failed = await api('POST', '/api/v1/repos/admin/broken/copy', {}, `Bearer ${bob}`);
    expect(failed).toMatchObject({ status: 500, json: { error: { code: 'copy_failed' } } });
    expect((await api('GET', '/api/v1/repos/bob/broken', undefined, `Bearer ${bob}`)).status).toBe(404);
    expect(fs.readdirSync(gitRoot).sort()).toEqual(before.filter((f) => f !== `${id}.git`));
  });
});
