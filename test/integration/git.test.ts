import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../support/git-cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The real `git` CLI against the server's smart HTTP: clone, push, fetch, shallow clone, and
 * the auth rules (401 + Basic challenge without credentials, readers cannot push). git runs
 * asynchronously: the server answering it lives in this process (docs/STACK.md gotcha 7).
 */
const ADMIN_TOKEN = 'cairn_test_admin_token_git_0001';
process.env.CAIRN_ADMIN_PASSWORD = 'admin-password-git';
process.env.CAIRN_ADMIN_TOKEN = ADMIN_TOKEN;

let server: TestServer;
let work: string;

const git = (args: string[], cwd?: string) => runGit(args, { home: work, cwd });

async function api(method: string, p: string, body?: unknown, token = ADMIN_TOKEN): Promise<Response> {
  return fetch(`${server.url}/api/v1${p}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const withCreds = (user: string, secret: string, repo: string) =>
  `${server.url.replace('http://', `http://${user}:${encodeURIComponent(secret)}@`)}/${repo}.git`;

let readerToken: string;
let writerToken: string;

beforeAll(async () => {
  server = await startTestServer();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-git-test-'));
  expect((await api('POST', '/repos', { name: 'private-proj', private: true })).status).toBe(201);
  expect((await api('POST', '/repos', { name: 'public-proj', private: false })).status).toBe(201);
  for (const [user, perm] of [
    ['reader', 'read'],
    ['writer', 'write'],
  ] as const) {
    expect((await api('POST', '/users', { username: user, password: `${user}-password` })).status).toBe(201);
    expect((await api('PUT', `/repos/admin/private-proj/collaborators/${user}`, { permission: perm })).status).toBe(
      200,
    );
  }
  const sign = async (u: string) =>
    (
      (await (await api('POST', '/session', { username: u, password: `${u}-password` }, '')).json()) as {
        token: string;
      }
    ).token;
  readerToken = await sign('reader');
  writerToken = await sign('writer');
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('git smart HTTP with the real git CLI', () => {
  it('pushes a history (including a >1 MiB chunked pack), clones it, and fetches new commits', async () => {
    const src = path.join(work, 'src');
    await git(['init', '-q', '-b', 'main', src]);
    fs.writeFileSync(path.join(src, 'README.md'), '# hello\n');
    // Random bytes do not compress: the pack is sent with chunked encoding (git's postBuffer is 1 MiB).
    fs.writeFileSync(path.join(src, 'noise.bin'), randomBytes(3_000_000));
    await git(['add', '.'], src);
    await git(['commit', '-qm', 'first'], src);
    const push = await git(['push', withCreds('admin', 'admin-password-git', 'admin/private-proj'), 'main'], src);
    expect(push.out).toContain('main -> main');
    expect(push.code).toBe(0);

    const clone = path.join(work, 'clone');
    const c = await git(['clone', '-q', withCreds('reader', readerToken, 'admin/private-proj'), clone]);
    expect(c.code).toBe(0);
    expect(fs.readFileSync(path.join(clone, 'README.md'), 'utf8')).toBe('# hello\n');
    expect(fs.statSync(path.join(clone, 'noise.bin')).size).toBe(3_000_000);

    fs.writeFileSync(path.join(src, 'README.md'), '# hello again\n');
    await git(['commit', '-qam', 'second'], src);
    expect((await git(['push', withCreds('writer', writerToken, 'admin/private-proj'), 'main'], src)).code).toBe(0);
    expect((await git(['pull', '-q', 'origin', 'main'], clone)).code).toBe(0);
    expect(fs.readFileSync(path.join(clone, 'README.md'), 'utf8')).toBe('# hello again\n');
    expect((await git(['rev-list', '--count', 'HEAD'], clone)).out.trim()).toBe('2');
  });

  it('serves a shallow clone', async () => {
    const shallow = path.join(work, 'shallow');
    const r = await git([
      'clone',
      '-q',
      '--depth',
      '1',
      withCreds('admin', ADMIN_TOKEN, 'admin/private-proj'),
      shallow,
    ]);
    expect(r.code).toBe(0);
    expect((await git(['rev-list', '--count', 'HEAD'], shallow)).out.trim()).toBe('1');
    expect(fs.existsSync(path.join(shallow, '.git', 'shallow'))).toBe(true);
  });

  it('lets anyone clone a public repository but asks for credentials to push to it', async () => {
    const empty = path.join(work, 'public-clone');
    const r = await git(['clone', '-q', `${server.url}/admin/public-proj.git`, empty]);
    expect(r.code).toBe(0);
    fs.writeFileSync(path.join(empty, 'x'), 'x');
    await git(['add', 'x'], empty);
    await git(['commit', '-qm', 'x'], empty);
    const push = await git(['push', 'origin', 'HEAD:main'], empty);
    expect(push.code).not.toBe(0);
    expect(push.out).toMatch(/could not read Username|Authentication failed/);
  });

  it('refuses a reader who pushes, with 403, and leaves the branch where it was', async () => {
    const clone = path.join(work, 'reader-clone');
    expect((await git(['clone', '-q', withCreds('reader', readerToken, 'admin/private-proj'), clone])).code).toBe(0);
    const before = (await git(['rev-parse', 'HEAD'], clone)).out.trim();
    fs.writeFileSync(path.join(clone, 'sneaky'), 'x');
    await git(['add', 'sneaky'], clone);
    await git(['commit', '-qm', 'sneaky'], clone);
    const push = await git(['push', 'origin', 'main'], clone);
    expect(push.code).not.toBe(0);
    expect(push.out).toContain('403');
    const remote = await git(['ls-remote', withCreds('admin', ADMIN_TOKEN, 'admin/private-proj'), 'refs/heads/main']);
    expect(remote.out.split('\t')[0]).toBe(before);
  });

  it('answers 401 with a Basic challenge without credentials and with wrong ones', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { Authorization: `Basic ${Buffer.from('admin:wrong-password').toString('base64')}` },
    ]) {
      const res = await fetch(`${server.url}/admin/private-proj.git/info/refs?service=git-upload-pack`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
    }
    const r = await git(['ls-remote', withCreds('admin', 'wrong-password', 'admin/private-proj')]);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/Authentication failed|401/);
  });

  it('answers the app’s own requests (X-Requested-With) 401 without a challenge, so no browser dialog opens', async () => {
    for (const url of [
      `/admin/private-proj.git/info/refs?service=git-upload-pack`,
      `/admin/private-proj.dvc/files/md5/00/${'0'.repeat(30)}`,
      `/api/v1/repos/admin/private-proj/runs?since=0`,
      `/admin/private-proj.mlflow/api/2.0/mlflow/experiments/search`,
    ]) {
      const app = await fetch(`${server.url}${url}`, { headers: { 'X-Requested-With': 'cairn-app' } });
      expect([url, app.status, app.headers.get('www-authenticate')]).toEqual([url, 401, null]);
      const tool = await fetch(`${server.url}${url}`);
      expect([url, tool.status, tool.headers.get('www-authenticate')]).toEqual([
        url,
        401,
        expect.stringMatching(/^Basic /),
      ]);
    }
  });

  it('hides a private repository from a signed-in stranger (404) and refuses paths outside the protocol', async () => {
    expect((await api('POST', '/users', { username: 'stranger', password: 'stranger-password' })).status).toBe(201);
    const basic = `Basic ${Buffer.from('stranger:stranger-password').toString('base64')}`;
    const res = await fetch(`${server.url}/admin/private-proj.git/info/refs?service=git-upload-pack`, {
      headers: { Authorization: basic },
    });
    expect(res.status).toBe(404);
    const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    for (const p of [
      '/admin/private-proj.git/config',
      '/admin/private-proj.git/objects/info/packs',
      '/admin/private-proj.git',
    ]) {
      expect((await fetch(`${server.url}${p}`, { headers: auth })).status).toBe(404);
    }
    const wrongMethod = await fetch(`${server.url}/admin/private-proj.git/git-upload-pack`, { headers: auth });
    expect(wrongMethod.status).toBe(405);
    const badService = await fetch(`${server.url}/admin/private-proj.git/info/refs?service=git-evil`, {
      headers: auth,
    });
    expect(badService.status).toBe(403);
  });
});
