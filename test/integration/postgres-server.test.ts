import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cairnServer } from '../support/cairn-server-cli.ts';
import { basicAuth, md5Of, putObject, v3Path } from '../support/dvc-upload.ts';
import { runGit } from '../support/git-cli.ts';
import { type PostgresCluster, pgAvailable, startPostgres } from '../support/postgres.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { waitFor, yClient } from './yjs-clients.ts';

/**
 * The whole server with CAIRN_DATABASE_URL pointing at a real PostgreSQL (an unprivileged
 * cluster from scripts/engines/postgres.sh): a user is made and signs in, makes a repository,
 * pushes with git and clones it back, uploads a DVC object, renames the repository (its old name
 * redirects) — and the rows are in PostgreSQL, not in the data folder's SQLite file. While
 * PostgreSQL is down, requests get 503 database_unavailable + Retry-After; once it is back they
 * succeed again with nothing acknowledged lost.
 */
const ADMIN_TOKEN = 'cairn_test_admin_token_pg_0001';

describe.runIf(pgAvailable())('the server on PostgreSQL', () => {
  let cluster: PostgresCluster;
  let databaseUrl: string;
  let server: TestServer;
  let work: string;
  let aliceToken: string;

  const api = async (method: string, p: string, body?: unknown, token = ADMIN_TOKEN) =>
    fetch(`${server.url}/api/v1${p}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const git = (args: string[], cwd?: string) => runGit(args, { home: work, cwd });
  const remote = (repo: string) => `${server.url.replace('http://', `http://alice:${aliceToken}@`)}/${repo}.git`;
  const inPostgres = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    cluster = await startPostgres();
    databaseUrl = await cluster.freshDatabase();
    server = await startTestServer({
      CAIRN_DATABASE_URL: databaseUrl,
      CAIRN_ADMIN_PASSWORD: 'admin-password-pg',
      CAIRN_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-pg-test-'));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await cluster?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('signs a user in, makes a repository, pushes, clones and stores a DVC object, all in PostgreSQL', async () => {
    expect((await api('POST', '/users', { username: 'alice', password: 'alice-password' })).status).toBe(201);
    expect((await api('POST', '/users', { username: 'ALICE', password: 'other-password' })).status).toBe(409);
    const signIn = await api('POST', '/session', { username: 'alice', password: 'alice-password' }, '');
    expect(signIn.status).toBe(201);
    aliceToken = ((await signIn.json()) as { token: string }).token;
    expect((await api('POST', '/repos', { name: 'thesis', private: true }, aliceToken)).status).toBe(201);
    expect((await api('POST', '/repos', { name: 'Thesis', private: true }, aliceToken)).status).toBe(409);

    const src = path.join(work, 'src');
    await git(['init', '-q', '-b', 'main', src]);
    fs.writeFileSync(path.join(src, 'README.md'), '# on postgres\n');
    await git(['add', '.'], src);
    await git(['commit', '-qm', 'first'], src);
    expect((await git(['push', remote('alice/thesis'), 'main'], src)).code).toBe(0);
    const clone = path.join(work, 'clone');
    expect((await git(['clone', '-q', remote('alice/thesis'), clone])).code).toBe(0);
    expect(fs.readFileSync(path.join(clone, 'README.md'), 'utf8')).toBe('# on postgres\n');

    const data = 'a DVC object kept on disk, indexed in PostgreSQL\n';
    expect(await putObject(server.url, basicAuth('alice', aliceToken), 'alice/thesis', v3Path(md5Of(data)), data)).toBe(
      200,
    );
    const missing = await api(
      'POST',
      '/repos/alice/thesis/dvc/missing',
      { oids: [md5Of(data), md5Of('other')] },
      aliceToken,
    );
    expect(await missing.json()).toEqual({ missing: [md5Of('other')] });

    // The rows are PostgreSQL's; the data folder's SQLite file has no accounts tables.
    expect(await inPostgres('SELECT username FROM users ORDER BY id')).toEqual([
      { username: 'admin' },
      { username: 'alice' },
    ]);
    expect(await inPostgres('SELECT r.name, d.oid FROM dvc_objects d JOIN repositories r ON r.id = d.repo_id')).toEqual(
      [{ name: 'thesis', oid: md5Of(data) }],
    );
    const sqlite = new Database(path.join(server.dataDir, 'cairn.db'), { readonly: true });
    try {
      expect(sqlite.prepare("SELECT name FROM sqlite_master WHERE name IN ('users', 'repositories')").all()).toEqual(
        [],
      );
    } finally {
      sqlite.close();
    }
  });

  it('renames a repository and redirects its old name', async () => {
    expect((await api('POST', '/repos/alice/thesis/rename', { name: 'dissertation' }, aliceToken)).status).toBe(200);
    const old = await fetch(`${server.url}/api/v1/repos/alice/thesis`, {
      headers: { Authorization: `Bearer ${aliceToken}` },
      redirect: 'manual',
    });
    expect(old.status).toBe(308);
    expect(old.headers.get('location')).toBe('/api/v1/repos/alice/dissertation');
    const clone = path.join(work, 'clone-renamed');
    expect((await git(['clone', '-q', remote('alice/dissertation'), clone])).code).toBe(0);
    expect(fs.readFileSync(path.join(clone, 'README.md'), 'utf8')).toBe('# on postgres\n');
  });

  it('relays a live note between two clients and keeps it in PostgreSQL', async () => {
    const one = yClient(server.url, 'alice', 'dissertation', 'plan', aliceToken);
    const two = yClient(server.url, 'alice', 'dissertation', 'plan', aliceToken);
    try {
      await waitFor('both connected', () => one.provider.wsconnected && two.provider.wsconnected);
      one.doc.getText('t').insert(0, 'written through PostgreSQL');
      await waitFor('the edit to reach the other client', () => two.text() === 'written through PostgreSQL');
    } finally {
      one.destroy();
      two.destroy();
    }
    const stored = await inPostgres<{ n: number }>('SELECT count(*)::int AS n FROM yjs_updates WHERE doc LIKE $1', [
      'alice/dissertation/%',
    ]);
    expect(stored[0]?.n).toBeGreaterThan(0);
    const again = yClient(server.url, 'alice', 'dissertation', 'plan', aliceToken);
    try {
      await waitFor('the stored note to load', () => again.text() === 'written through PostgreSQL');
    } finally {
      again.destroy();
    }
  });

  it('has cairn-server gc and fsck refuse its data folder instead of finding no repositories', async () => {
    for (const command of ['gc', 'fsck']) {
      const r = await cairnServer([command, '--data', server.dataDir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('PostgreSQL');
      expect(r.stderr).not.toContain('postgres@');
    }
    // The DVC object is still served.
    const data = 'a DVC object kept on disk, indexed in PostgreSQL\n';
    const got = await fetch(`${server.url}/alice/dissertation.dvc/${v3Path(md5Of(data))}`, {
      headers: { Authorization: basicAuth('alice', aliceToken) },
    });
    expect(await got.text()).toBe(data);
  });

  it('answers 503 + Retry-After while PostgreSQL is down, and works again once it is back', async () => {
    await cluster.stopServer();
    try {
      const down = await api('GET', '/user', undefined, aliceToken);
      expect(down.status).toBe(503);
      expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await down.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
    } finally {
      await cluster.startServer();
    }
    const back = await api('GET', '/user', undefined, aliceToken);
    expect(back.status).toBe(200);
    expect(await back.json()).toMatchObject({ username: 'alice' });
    expect((await api('GET', '/repos', undefined, aliceToken)).status).toBe(200);
  });
});
