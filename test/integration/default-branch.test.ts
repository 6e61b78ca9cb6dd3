import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../support/git-cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { spawnServer } from '../support/spawn-server.ts';

/**
 * The default branch of a repository, with the real git CLI against the real server: the first
 * branch pushed becomes git's HEAD (so `git clone` checks it out), later pushes leave it, the
 * API shows and changes it (`defaultBranch`), deleting it moves HEAD, and imports keep the
 * source's. The import source is served by a second server, as a remote host would be.
 */
const TOKEN = 'cairn_test_admin_token_defbranch1';
process.env.CAIRN_ADMIN_PASSWORD = 'admin-password-defbranch';
process.env.CAIRN_ADMIN_TOKEN = TOKEN;

let server: TestServer;
let source: TestServer;
let work: string;
// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON answers
type Json = Record<string, any>;

async function api(method: string, p: string, body?: unknown, on: TestServer = server) {
  const res = await fetch(`${on.url}/api/v1${p}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
}

const git = (args: string[], cwd?: string) => runGit(args, { home: work, cwd });
const authed = (repo: string, on: TestServer = server) =>
  `${on.url.replace('http://', `http://admin:${TOKEN}@`)}/${repo}.git`;

/** A small history in a new local repository whose only branch is `branch`. */
async function localHistory(name: string, branch: string): Promise<string> {
  const dir = path.join(work, name);
  expect((await git(['init', '-q', '-b', branch, dir])).code).toBe(0);
  fs.mkdirSync(path.join(dir, 'notebook'));
  fs.writeFileSync(path.join(dir, 'notebook', 'analyze.py'), `print("${branch}")\n`);
  fs.writeFileSync(path.join(dir, 'params.yaml'), 'lr: 0.1\n');
  await git(['add', '.'], dir);
  await git(['commit', '-qm', 'first'], dir);
  fs.writeFileSync(path.join(dir, 'params.yaml'), 'lr: 0.2\n');
  await git(['commit', '-qam', 'second'], dir);
  return dir;
}

/** Clones and answers the branch checked out and whether the work tree has the files. */
async function cloneOf(url: string, into: string) {
  const dir = path.join(work, into);
  const r = await git(['clone', url, dir]);
  expect(r.code).toBe(0);
  const branch = (await git(['symbolic-ref', '--short', 'HEAD'], dir)).out.trim();
  return { dir, branch, out: r.out, hasFiles: fs.existsSync(path.join(dir, 'params.yaml')) };
}

const remoteHead = async (repo: string, on: TestServer = server) =>
  (await git(['ls-remote', '--symref', authed(repo, on), 'HEAD'])).out.split('\n')[0];

beforeAll(async () => {
  // The source is another server on 127.0.0.1: imports from it need the operator's switch.
  [server, source] = await Promise.all([
    startTestServer({ CAIRN_IMPORT_ALLOW_PRIVATE: '1' }),
    startTestServer({ CAIRN_IMPORT_ALLOW_PRIVATE: '1' }),
  ]);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-defbranch-test-'));
});
afterAll(async () => {
  await Promise.all([server?.stop(), source?.stop()]);
  fs.rmSync(work, { recursive: true, force: true });
});

describe('default branch', () => {
  it('makes the only pushed branch the default: clone checks out master, JSON says master', async () => {
    const created = await api('POST', '/repos', { name: 'demo', private: false });
    expect(created.status).toBe(201);
    expect(created.body.defaultBranch).toBeNull();
    const src = await localHistory('master-src', 'master');
    const push = await git(['push', authed('admin/demo'), 'master'], src);
    expect(push.code).toBe(0);

    const c = await cloneOf(`${server.url}/admin/demo.git`, 'master-clone');
    expect(c.out).not.toContain('remote HEAD refers to nonexistent ref');
    expect(c.branch).toBe('master');
    expect(c.hasFiles).toBe(true);
    expect(fs.readFileSync(path.join(c.dir, 'notebook', 'analyze.py'), 'utf8')).toBe('print("master")\n');
    expect((await api('GET', '/repos/admin/demo')).body.defaultBranch).toBe('master');
    const list = await api('GET', '/repos');
    expect(list.body.repos.find((r: Json) => r.fullName === 'admin/demo').defaultBranch).toBe('master');

    // Pushing main later does not move HEAD.
    expect((await git(['push', '-q', authed('admin/demo'), 'master:main'], src)).code).toBe(0);
    expect((await api('GET', '/repos/admin/demo')).body.defaultBranch).toBe('master');
    expect((await cloneOf(`${server.url}/admin/demo.git`, 'master-clone-2')).branch).toBe('master');
  });

  it('does the same for a repository whose only branch is develop', async () => {
    expect((await api('POST', '/repos', { name: 'dev-only', private: true })).status).toBe(201);
    const src = await localHistory('develop-src', 'develop');
    expect((await git(['push', '-q', authed('admin/dev-only'), 'develop'], src)).code).toBe(0);
    const c = await cloneOf(authed('admin/dev-only'), 'develop-clone');
    expect(c.branch).toBe('develop');
    expect(c.hasFiles).toBe(true);
    expect((await api('GET', '/repos/admin/dev-only')).body.defaultBranch).toBe('develop');
  });

  it('prefers main, then master, when the first push brings several branches', async () => {
    expect((await api('POST', '/repos', { name: 'several', private: true })).status).toBe(201);
    const src = await localHistory('several-src', 'zeta');
    await git(['branch', 'alpha'], src);
    await git(['branch', 'master'], src);
    expect((await git(['push', '-q', authed('admin/several'), 'zeta', 'alpha', 'master'], src)).code).toBe(0);
    expect((await api('GET', '/repos/admin/several')).body.defaultBranch).toBe('master');

    expect((await api('POST', '/repos', { name: 'several-no-main', private: true })).status).toBe(201);
    expect((await git(['push', '-q', authed('admin/several-no-main'), 'zeta', 'alpha'], src)).code).toBe(0);
    expect((await api('GET', '/repos/admin/several-no-main')).body.defaultBranch).toBe('alpha');
  });

  it('ends with a default branch that exists when two first pushes race', async () => {
    expect((await api('POST', '/repos', { name: 'raced', private: true })).status).toBe(201);
    const a = await localHistory('race-a', 'develop');
    const b = await localHistory('race-b', 'staging');
    const pushes = await Promise.all([
      git(['push', '-q', authed('admin/raced'), 'develop'], a),
      git(['push', '-q', authed('admin/raced'), 'staging'], b),
    ]);
    expect(pushes.map((p) => p.code)).toEqual([0, 0]);
    const defaultBranch = (await api('GET', '/repos/admin/raced')).body.defaultBranch;
    expect(['develop', 'staging']).toContain(defaultBranch);
    const c = await cloneOf(authed('admin/raced'), 'raced-clone');
    expect(c.branch).toBe(defaultBranch);
    expect(c.hasFiles).toBe(true);
  });

  it('changes the default branch through the API, and refuses a missing or invalid branch', async () => {
    const patched = await api('PATCH', '/repos/admin/demo', { defaultBranch: 'main' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ fullName: 'admin/demo', defaultBranch: 'main', private: false });
    expect(await remoteHead('admin/demo')).toBe('ref: refs/heads/main\tHEAD');
    expect((await cloneOf(`${server.url}/admin/demo.git`, 'main-clone')).branch).toBe('main');

    const missing = await api('PATCH', '/repos/admin/demo', { defaultBranch: 'nope', private: true });
    expect(missing.status).toBe(422);
    expect(missing.body.error.code).toBe('branch_not_found');
    expect(missing.body.error.message).toContain('nope');
    for (const bad of ['a..b', '-x', '@{-1}', 'has space', '', 'x.lock']) {
      const r = await api('PATCH', '/repos/admin/demo', { defaultBranch: bad });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_branch_name');
    }
    expect((await api('PATCH', '/repos/admin/demo', { defaultBranch: 7 })).body.error.code).toBe('bad_request');
    expect((await api('PATCH', '/repos/admin/demo', {})).status).toBe(400);
    // Nothing changed: HEAD is still main and the repository still public.
    const after = await api('GET', '/repos/admin/demo');
    expect(after.body).toMatchObject({ defaultBranch: 'main', private: false });
    expect(await remoteHead('admin/demo')).toBe('ref: refs/heads/main\tHEAD');

    // A reader or writer may not change it.
    expect((await api('POST', '/users', { username: 'wren', password: 'wren-password' })).status).toBe(201);
    expect((await api('PUT', '/repos/admin/demo/collaborators/wren', { permission: 'write' })).status).toBe(200);
    const wren = (await api('POST', '/session', { username: 'wren', password: 'wren-password' })).body.token;
    const res = await fetch(`${server.url}/api/v1/repos/admin/demo`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${wren}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ defaultBranch: 'master' }),
    });
    expect(res.status).toBe(403);
    expect((await api('GET', '/repos/admin/demo')).body.defaultBranch).toBe('main');
  });

  it('moves HEAD to another branch when a push deletes the default branch', async () => {
    const src = path.join(work, 'master-src');
    const del = await git(['push', authed('admin/demo'), ':main'], src);
    expect(del.code).toBe(0);
    expect((await api('GET', '/repos/admin/demo')).body.defaultBranch).toBe('master');
    const c = await cloneOf(`${server.url}/admin/demo.git`, 'after-delete-clone');
    expect(c.branch).toBe('master');
    expect(c.hasFiles).toBe(true);

    // Deleting the last branch leaves a repository without a default branch.
    expect((await git(['push', '-q', authed('admin/dev-only'), ':develop'], src)).code).toBe(0);
    expect((await api('GET', '/repos/admin/dev-only')).body.defaultBranch).toBeNull();
    const again = await localHistory('develop-src-2', 'trunk');
    expect((await git(['push', '-q', authed('admin/dev-only'), 'trunk'], again)).code).toBe(0);
    expect((await api('GET', '/repos/admin/dev-only')).body.defaultBranch).toBe('trunk');
  });

  it("keeps the source's default branch on import, and a mirror follows a change of it", async () => {
    // On the source host: branches main and master, default master.
    expect((await api('POST', '/repos', { name: 'upstream', private: false }, source)).status).toBe(201);
    const src = await localHistory('upstream-src', 'master');
    expect((await git(['push', '-q', authed('admin/upstream', source), 'master', 'master:main'], src)).code).toBe(0);
    // Both arrived in the first push, so main was preferred; the source's owner chose master.
    expect((await api('GET', '/repos/admin/upstream', undefined, source)).body.defaultBranch).toBe('main');
    expect((await api('PATCH', '/repos/admin/upstream', { defaultBranch: 'master' }, source)).status).toBe(200);

    const url = `${source.url}/admin/upstream.git`;
    const copy = await api('POST', '/repos/import', { name: 'copy', url, mode: 'migrate' });
    expect(copy.status).toBe(201);
    expect(copy.body.defaultBranch).toBe('master');
    const mirror = await api('POST', '/repos/import', { name: 'mirror', url, mode: 'connect' });
    expect(mirror.status).toBe(201);
    expect(mirror.body.defaultBranch).toBe('master');
    const c = await cloneOf(`${server.url}/admin/copy.git`, 'copy-clone');
    expect(c.branch).toBe('master');
    expect(c.hasFiles).toBe(true);

    // The source changes its default; the mirror's next sync follows, the copy stays.
    expect((await api('PATCH', '/repos/admin/upstream', { defaultBranch: 'main' }, source)).status).toBe(200);
    expect((await api('POST', '/repos/admin/mirror/sync')).body).toMatchObject({ state: 'ok', lastError: null });
    expect((await api('GET', '/repos/admin/mirror')).body.defaultBranch).toBe('main');
    expect(await remoteHead('admin/mirror')).toBe('ref: refs/heads/main\tHEAD');
    expect((await api('GET', '/repos/admin/copy')).body.defaultBranch).toBe('master');

    // A mirror's default branch is its source's: the API refuses to change it.
    const refused = await api('PATCH', '/repos/admin/mirror', { defaultBranch: 'master' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('mirror_read_only');
  });
});

describe('repositories pushed to before the default branch was kept', () => {
  it('are repaired when the server starts: HEAD that names a missing main moves to master', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-defbranch-restart-'));
    let spawned = await spawnServer(dataDir, { CAIRN_DEMO: '0' });
    try {
      const on = { url: spawned.url } as TestServer;
      expect((await api('POST', '/repos', { name: 'old', private: true }, on)).status).toBe(201);
      const src = await localHistory('old-src', 'master');
      expect((await git(['push', '-q', authed('admin/old', on), 'master'], src)).code).toBe(0);
      await spawned.kill();
      // What servers before this change left behind: HEAD still naming the initial main.
      const bares = fs.readdirSync(path.join(dataDir, 'git')).filter((f) => f.endsWith('.git'));
      expect(bares).toHaveLength(1);
      const bare = path.join(dataDir, 'git', bares[0] as string);
      expect((await git(['symbolic-ref', 'HEAD', 'refs/heads/main'], bare)).code).toBe(0);
      expect((await git(['ls-remote', '--symref', bare, 'HEAD'], bare)).out).toBe('');

      spawned = await spawnServer(dataDir, { CAIRN_DEMO: '0' });
      const again = { url: spawned.url } as TestServer;
      // The repair runs in the background after start: wait for it (bounded), then check as a user.
      let defaultBranch: string | null = null;
      for (let i = 0; i < 200 && defaultBranch === null; i++) {
        defaultBranch = (await api('GET', '/repos/admin/old', undefined, again)).body.defaultBranch;
        if (defaultBranch === null) await new Promise((r) => setTimeout(r, 50));
      }
      expect(defaultBranch).toBe('master');
      const c = await cloneOf(authed('admin/old', again), 'old-clone');
      expect(c.branch).toBe('master');
      expect(c.hasFiles).toBe(true);
    } finally {
      await spawned.kill();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
