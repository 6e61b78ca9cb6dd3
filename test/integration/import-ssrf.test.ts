import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../support/git-cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Imports may not reach the server's own network (THREAT_MODEL.md #13): URLs whose host is or
 * resolves to a loopback, private or link-local address are refused, before anything is
 * created, and so are redirects that lead there; `CAIRN_IMPORT_ALLOW_PRIVATE=1` lifts it.
 */
const TOKEN = 'cairn_test_admin_token_ssrf_0001';
process.env.CAIRN_ADMIN_PASSWORD = 'admin-password-ssrf';
process.env.CAIRN_ADMIN_TOKEN = TOKEN;

let server: TestServer;
let open: TestServer | undefined;
let redirector: http.Server;
let redirectorUrl: string;
let work: string;

const api = (base: string, method: string, p: string, body?: unknown) =>
  fetch(`${base}/api/v1${p}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-ssrf-test-'));
  // 127.0.0.2 plays an allowed outside host; it redirects git to the server on 127.0.0.1.
  server = await startTestServer({ CAIRN_IMPORT_ALLOW_PRIVATE: '0', CAIRN_IMPORT_ALLOW_HOSTS: '127.0.0.2' });
  expect((await api(server.url, 'POST', '/repos', { name: 'src', private: false })).status).toBe(201);
  const src = path.join(work, 'src');
  fs.mkdirSync(src);
  const git = (args: string[]) => runGit(args, { home: work, cwd: src });
  await git(['init', '-q', '-b', 'main']);
  fs.writeFileSync(path.join(src, 'a.txt'), 'a\n');
  await git(['add', '.']);
  await git(['commit', '-q', '-m', 'one']);
  const push = await git([
    'push',
    '-q',
    `${server.url.replace('http://', `http://admin:${TOKEN}@`)}/admin/src.git`,
    'main',
  ]);
  expect(push.code).toBe(0);
  redirector = http.createServer((req, res) => {
    res.writeHead(302, { Location: `${server.url}/admin/src.git${(req.url ?? '').replace(/^\/moved\.git/, '')}` });
    res.end();
  });
  await new Promise<void>((r) => redirector.listen(0, '127.0.0.2', r));
  redirectorUrl = `http://127.0.0.2:${(redirector.address() as { port: number }).port}/moved.git`;
});
afterAll(async () => {
  redirector?.close();
  await server?.stop();
  await open?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('import sources on private networks', () => {
  it('refuses loopback, private and link-local sources, by address and by name, creating nothing', async () => {
    const port = new URL(server.url).port;
    const sources = [
      `${server.url}/admin/src.git`,
      `http://localhost:${port}/admin/src.git`,
      `http://[::1]:${port}/admin/src.git`,
      `http://[::ffff:127.0.0.1]:${port}/admin/src.git`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.1.2.3/repo.git',
      'https://192.168.1.10/repo.git',
      'http://100.64.0.1/repo.git',
      'http://[fd00::1]/repo.git',
      'git://127.0.0.1/repo.git',
    ];
    for (const [i, url] of sources.entries()) {
      const r = await api(server.url, 'POST', '/repos/import', { name: `internal-${i}`, url });
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect({ url, status: r.status, code: body.error.code }).toEqual({ url, status: 400, code: 'import_refused' });
      expect(body.error.message).toContain('CAIRN_IMPORT_ALLOW_PRIVATE');
      expect((await api(server.url, 'GET', `/repos/admin/internal-${i}`)).status).toBe(404);
    }
  });

  it('refuses a redirect that leads to a private address', async () => {
    const r = await api(server.url, 'POST', '/repos/import', { name: 'via-redirect', url: redirectorUrl });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('import_refused');
    expect((await api(server.url, 'GET', '/repos/admin/via-redirect')).status).toBe(404);
  });

  it('with CAIRN_IMPORT_ALLOW_PRIVATE=1 follows the redirect and imports', async () => {
    open = await startTestServer({ CAIRN_IMPORT_ALLOW_PRIVATE: '1' });
    const r = await api(open.url, 'POST', '/repos/import', { name: 'via-redirect', url: redirectorUrl });
    expect(r.status).toBe(201);
    const ls = (base: string, repo: string) =>
      runGit(['ls-remote', `${base.replace('http://', `http://admin:${TOKEN}@`)}/${repo}.git`, 'refs/heads/main'], {
        home: work,
      });
    expect((await ls(open.url, 'admin/via-redirect')).stdout).toBe((await ls(server.url, 'admin/src')).stdout);
  });
});
