import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../support/git-cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Repositories over the JSON API: create, visibility, collaborators, bad names, and imports
 * from a git URL once ("migrate") or kept in step ("connect"). The import source is a public
 * repository on the same server, so the test needs no network beyond 127.0.0.1.
 */
const TOKEN = 'cairn_test_admin_token_repos_001';

let server: TestServer;
let work: string;
// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON answers
type Json = Record<string, any>;

async function api(method: string, p: string, body?: unknown, token: string | null = TOKEN) {
  const res = await fetch(`${server.url}/api/v1${p}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
}

const git = (args: string[], cwd?: string) => runGit(args, { home: work, cwd });
const authed = (repo: string) => `${server.url.replace('http://', `http://admin:${TOKEN}@`)}/${repo}.git`;

beforeAll(async () => {
  // Imports here come from this same server on 127.0.0.1: allowed only by the operator's switch.
  server = await startTestServer({
    CAIRN_ADMIN_PASSWORD: 'admin-password-repos',
    CAIRN_ADMIN_TOKEN: TOKEN,
    CAIRN_IMPORT_ALLOW_PRIVATE: '1',
  });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-repos-test-'));
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('repositories', () => {
  it('creates private and public repositories; strangers see only public ones', async () => {
    expect((await api('POST', '/repos', { name: 'secret', private: true })).status).toBe(201);
    const pub = await api('POST', '/repos', { name: 'open.data_v1', private: false });
    expect(pub.body).toMatchObject({ fullName: 'admin/open.data_v1', private: false, permission: 'admin' });
    expect(pub.body.cloneUrl).toBe(`${server.url}/admin/open.data_v1.git`);
    expect((await api('POST', '/repos', { name: 'secret', private: false })).status).toBe(409);
    const anon = await api('GET', '/repos', undefined, null);
    expect(anon.body.repos.map((r: Json) => r.fullName)).toEqual(['admin/open.data_v1']);
    expect((await api('GET', '/repos/admin/secret', undefined, null)).status).toBe(401);
    expect((await api('POST', '/users', { username: 'gina', password: 'gina-password' })).status).toBe(201);
    const gina = (await api('POST', '/session', { username: 'gina', password: 'gina-password' }, null)).body.token;
    expect((await api('GET', '/repos/admin/secret', undefined, gina)).status).toBe(404);
    expect((await api('PUT', '/repos/admin/secret/collaborators/gina', { permission: 'write' })).status).toBe(200);
    expect((await api('GET', '/repos/admin/secret', undefined, gina)).body.permission).toBe('write');
    expect((await api('PUT', '/repos/admin/secret/collaborators/gina', { permission: 'admin' }, gina)).status).toBe(
      403,
    );
    expect((await api('PUT', '/repos/admin/secret/collaborators/gina', { permission: 'owner' })).status).toBe(400);
    expect((await api('GET', '/repos/admin/secret/collaborators')).body.collaborators).toEqual([
      { username: 'gina', permission: 'write' },
    ]);
    expect((await api('DELETE', '/repos/admin/secret/collaborators/gina')).status).toBe(204);
    expect((await api('GET', '/repos/admin/secret', undefined, gina)).status).toBe(404);
  });

  it("says how large a repository's history is: 0 when empty, about the pushed pack after a push", async () => {
    expect((await api('POST', '/repos', { name: 'sized', private: false })).status).toBe(201);
    expect((await api('GET', '/repos/admin/sized')).body.historyBytes).toBe(0);
    const src = path.join(work, 'sized');
    await git(['init', '-q', '-b', 'main', src]);
    fs.writeFileSync(path.join(src, 'weights.bin'), crypto.randomBytes(300_000));
    await git(['add', '.'], src);
    await git(['commit', '-qm', 'weights'], src);
    expect((await git(['push', '-q', authed('admin/sized'), 'main'], src)).code).toBe(0);
    const historyBytes = (await api('GET', '/repos/admin/sized')).body.historyBytes as number;
    // What a clone downloads: the random file does not compress, so at least its size, and not much more.
    expect(historyBytes).toBeGreaterThan(300_000);
    expect(historyBytes).toBeLessThan(320_000);
    const listed = (await api('GET', '/repos')).body.repos.find((r: Json) => r.fullName === 'admin/sized');
    expect(listed.historyBytes).toBe(historyBytes);
  });

  it('refuses repository names that could be paths, and writes nothing outside the data folder', async () => {
    for (const name of [
      '..',
      '.git',
      'a/b',
      'x.git',
      'y.dvc',
      'z.mlflow',
      '../../etc',
      'x'.repeat(1000),
      'ｓecret',
      '',
      '-x',
    ]) {
      const r = await api('POST', '/repos', { name, private: true });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_name');
    }
    expect(fs.existsSync(path.join(server.dataDir, '..', 'etc'))).toBe(false);
    expect(fs.readdirSync(server.dataDir).some((f) => f.includes('secret') || f.includes('..'))).toBe(false);
    // Bare repositories are named by id, never by the user's name.
    expect(fs.readdirSync(path.join(server.dataDir, 'git')).every((f) => /^\d+\.git$/.test(f))).toBe(true);
  });

  it('imports a repository once (migrate) and keeps another in step (connect)', async () => {
    expect((await api('POST', '/repos', { name: 'source', private: false })).status).toBe(201);
    const src = path.join(work, 'src');
    await git(['init', '-q', '-b', 'main', src]);
    fs.writeFileSync(path.join(src, 'a.txt'), 'one\n');
    await git(['add', '.'], src);
    await git(['commit', '-qm', 'one'], src);
    expect((await git(['push', '-q', authed('admin/source'), 'main'], src)).code).toBe(0);

    const migrated = await api('POST', '/repos/import', {
      name: 'copy',
      url: `${server.url}/admin/source.git`,
      mode: 'migrate',
    });
    expect(migrated.status).toBe(201);
    expect(migrated.body.import).toMatchObject({ mode: 'migrate', state: 'ok', lastError: null });
    const connected = await api('POST', '/repos/import', {
      name: 'mirror',
      url: `${server.url}/admin/source.git`,
      mirror: true,
    });
    expect(connected.body.import).toMatchObject({ mode: 'connect', state: 'ok' });

    fs.writeFileSync(path.join(src, 'a.txt'), 'two\n');
    await git(['commit', '-qam', 'two'], src);
    expect((await git(['push', '-q', authed('admin/source'), 'main'], src)).code).toBe(0);
    const head = (await git(['rev-parse', 'HEAD'], src)).out.trim();

    const synced = await api('POST', '/repos/admin/mirror/sync');
    expect(synced.body).toMatchObject({ state: 'ok', lastError: null });
    expect(typeof synced.body.lastSyncAt).toBe('number');
    const lsMirror = await git(['ls-remote', authed('admin/mirror'), 'refs/heads/main']);
    expect(lsMirror.out.split('\t')[0]).toBe(head);
    const lsCopy = await git(['ls-remote', authed('admin/copy'), 'refs/heads/main']);
    expect(lsCopy.out.split('\t')[0]).not.toBe(head);

    // A mirror is read-only; the copy takes pushes.
    expect((await git(['push', '-q', authed('admin/mirror'), 'main:other'], src)).out).toContain('403');
    expect((await git(['push', '-q', authed('admin/copy'), 'main'], src)).code).toBe(0);
  });

  it('reports import failures and refuses local or command URLs', async () => {
    const missing = await api('POST', '/repos/import', { name: 'gone', url: `${server.url}/admin/nothing-here.git` });
    expect(missing.status).toBe(502);
    expect(missing.body.error.code).toBe('import_failed');
    expect((await api('GET', '/repos/admin/gone')).status).toBe(404);
    for (const url of ['file:///etc', '/etc', 'ext::sh -c touch% /tmp/pwned', '--upload-pack=touch']) {
      const r = await api('POST', '/repos/import', { name: 'bad', url });
      expect(r.status).toBe(400);
    }
  });
});
