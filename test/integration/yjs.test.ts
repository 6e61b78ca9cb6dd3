import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CairnServer, configFromEnv, startCairn } from '../../sync-server/src/index.ts';
import { rawSocket, waitFor, type YClient, yClient } from './yjs-clients.ts';

/**
 * Live notes through the real server with stock y-websocket 3 clients: convergence, presence,
 * the per-repository rights (refused, read-only), and persistence across a restart.
 */
const ADMIN_TOKEN = 'cairn_test_admin_token_yjs_0001';
// Every y-websocket provider adds a process 'exit' listener.
process.setMaxListeners(100);

let dataDir: string;
let server: CairnServer;
const clients: YClient[] = [];
let readerToken: string;
let writerToken: string;
let outsiderToken: string;

async function start(port = 0): Promise<CairnServer> {
  return startCairn(
    configFromEnv({
      HOST: '127.0.0.1',
      PORT: String(port),
      CAIRN_DATA: dataDir,
      CAIRN_LOG: 'silent',
      CAIRN_DEMO: '0',
      CAIRN_ADMIN_PASSWORD: 'admin-password-yjs',
      CAIRN_ADMIN_TOKEN: ADMIN_TOKEN,
      // Re-check open sockets' rights often, so a revocation shows within the test.
      CAIRN_YJS_RECHECK_MS: '200',
    }),
  );
}

async function api(method: string, p: string, body?: unknown, token = ADMIN_TOKEN): Promise<Response> {
  return fetch(`${server.url}/api/v1${p}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function client(repo: string, doc: string, token?: string): YClient {
  const c = yClient(server.url, 'admin', repo, doc, token);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-yjs-test-'));
  server = await start();
  expect((await api('POST', '/repos', { name: 'lab', private: true })).status).toBe(201);
  expect((await api('POST', '/repos', { name: 'open', private: false })).status).toBe(201);
  for (const [user, perm] of [
    ['reader', 'read'],
    ['writer', 'write'],
    ['outsider', null],
  ] as const) {
    expect((await api('POST', '/users', { username: user, password: `${user}-password` })).status).toBe(201);
    if (perm)
      expect((await api('PUT', `/repos/admin/lab/collaborators/${user}`, { permission: perm })).status).toBe(200);
  }
  const sign = async (u: string) =>
    (
      (await (await api('POST', '/session', { username: u, password: `${u}-password` }, '')).json()) as {
        token: string;
      }
    ).token;
  readerToken = await sign('reader');
  writerToken = await sign('writer');
  outsiderToken = await sign('outsider');
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.close(1000);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('live notes over /yjs', () => {
  it('two clients converge through the server, presence included', async () => {
    const a = client('lab', 'converge', ADMIN_TOKEN);
    const b = client('lab', 'converge', writerToken);
    await waitFor('both synced', () => a.provider.synced && b.provider.synced);
    a.doc.getText('t').insert(0, 'from a. ');
    b.doc.getText('t').insert(0, 'from b. ');
    await waitFor('convergence', () => a.text() === b.text() && a.text().length === 16);
    expect(a.text()).toContain('from a.');
    expect(a.text()).toContain('from b.');

    a.provider.awareness.setLocalStateField('user', { name: 'ada' });
    await waitFor('presence', () =>
      [...b.provider.awareness.getStates().values()].some((s) => (s.user as { name?: string })?.name === 'ada'),
    );
  });

  it('refuses a client without a token, with an invalid token, or without rights, before any data', async () => {
    const cases: Array<[string, string | undefined, number]> = [
      ['lab', undefined, 4401],
      ['lab', 'not-a-real-token-0000000000', 4401],
      ['open', 'not-a-real-token-0000000000', 4401],
      ['lab', outsiderToken, 4404],
      ['nonexistent', ADMIN_TOKEN, 4404],
    ];
    for (const [repo, token, code] of cases) {
      const c = client(repo, 'secret', token);
      await waitFor(`close ${code} for ${repo}`, () => c.closes.length > 0);
      expect(c.closes[0]?.code).toBe(code);
      // y-websocket 3 treats 4400–4499 as final: it stops reconnecting.
      expect(c.provider.shouldConnect).toBe(false);
      expect(c.provider.synced).toBe(false);
    }
  });

  it('lets anyone read a public repository’s notes, but only its writers edit them', async () => {
    const owner = client('open', 'readme', ADMIN_TOKEN);
    owner.doc.getText('t').insert(0, 'public notes');
    const anonymous = client('open', 'readme');
    const outsider = client('open', 'readme', outsiderToken);
    await waitFor(
      'readers see the notes',
      () => anonymous.text() === 'public notes' && outsider.text() === 'public notes',
    );
    outsider.doc.getText('t').insert(0, 'defaced ');
    await waitFor('permission denied', () => outsider.permissionDenied.length > 0);
    const fresh = client('open', 'readme', ADMIN_TOKEN);
    await waitFor('fresh client synced', () => fresh.provider.synced && fresh.text() === 'public notes');
    expect(owner.text()).toBe('public notes');
  });

  it("never applies a read-only collaborator's edits, and still sends them every update", async () => {
    const writer = client('lab', 'readonly', writerToken);
    const reader = client('lab', 'readonly', readerToken);
    await waitFor('both synced', () => writer.provider.synced && reader.provider.synced);
    writer.doc.getText('t').insert(0, 'v1');
    await waitFor('reader receives', () => reader.text() === 'v1');
    reader.doc.getText('t').insert(2, ' (reader edit)');
    await waitFor('permission denied', () => reader.permissionDenied.length > 0);
    expect(reader.permissionDenied[0]).toMatch(/read-only/);
    writer.doc.getText('t').insert(2, ' v2');
    // The reader's own unsaved edit stays in its local copy; the writer's lands beside it.
    await waitFor('reader receives v2', () => reader.text().replace(' (reader edit)', '') === 'v1 v2');
    const fresh = client('lab', 'readonly', ADMIN_TOKEN);
    await waitFor('fresh client synced', () => fresh.provider.synced && fresh.text() === 'v1 v2');
    expect(writer.text()).toBe('v1 v2');
  });

  it('cuts an open socket whose rights shrink: demoted to reader it reconnects read-only, removed it stops', async () => {
    expect((await api('POST', '/users', { username: 'temp', password: 'temp-password' })).status).toBe(201);
    expect((await api('PUT', '/repos/admin/lab/collaborators/temp', { permission: 'write' })).status).toBe(200);
    const session = await api('POST', '/session', { username: 'temp', password: 'temp-password' }, '');
    const token = ((await session.json()) as { token: string }).token;
    const temp = client('lab', 'revoke', token);
    await waitFor('synced', () => temp.provider.synced);

    expect((await api('PUT', '/repos/admin/lab/collaborators/temp', { permission: 'read' })).status).toBe(200);
    await waitFor('closed for lost write access', () => temp.closes.some((c) => c.code === 1008));
    await waitFor('reconnected', () => temp.provider.synced);
    temp.doc.getText('t').insert(0, 'no longer allowed');
    await waitFor('permission denied', () => temp.permissionDenied.length > 0);

    expect((await api('DELETE', '/repos/admin/lab/collaborators/temp')).status).toBeLessThan(300);
    await waitFor('closed for lost access', () => temp.closes.some((c) => c.code === 4404));
    expect(temp.provider.shouldConnect).toBe(false);
  });

  it('refuses a cross-site WebSocket (foreign Origin) with 403', async () => {
    const evil = rawSocket(server.url, `/yjs/admin/lab/converge?token=${ADMIN_TOKEN}`, {
      Origin: 'http://evil.example',
    });
    expect(await evil.refusedStatus).toBe(403);
    const same = rawSocket(server.url, `/yjs/admin/lab/converge?token=${ADMIN_TOKEN}`, { Origin: server.url });
    expect(await same.refusedStatus).toBe(null);
    same.ws.close();
  });

  it('keeps every stored update across a restart, and a reconnecting client converges without duplicating', async () => {
    const a = client('lab', 'durable', writerToken);
    await waitFor('synced', () => a.provider.synced);
    a.doc.getText('t').insert(0, 'saved before restart');
    const b = client('lab', 'durable', ADMIN_TOKEN);
    await waitFor('b has it', () => b.text() === 'saved before restart');
    b.destroy();

    const port = server.port;
    await server.close(1000);
    // Edits made while the server is down are sent when the client reconnects.
    a.doc.getText('t').insert(0, 'offline: ');
    server = await start(port);

    const c = client('lab', 'durable', ADMIN_TOKEN);
    await waitFor('c sees both', () => c.text() === 'offline: saved before restart', 20_000);
    await waitFor('a reconnected', () => a.provider.synced);
    expect(a.text()).toBe('offline: saved before restart');

    // Reconnects re-send the whole document; the server stores only what was new to it.
    const rowsBefore = countRows('admin/lab/durable');
    a.provider.disconnect();
    a.provider.connect();
    await waitFor('a resynced', () => a.provider.synced);
    const probe = client('lab', 'durable', ADMIN_TOKEN);
    await waitFor('probe synced', () => probe.provider.synced && probe.text() === a.text());
    expect(countRows('admin/lab/durable')).toBe(rowsBefore);
  });
  it('deletes a note for good: open sockets close with 4410, stored updates go, a device copy cannot bring it back', async () => {
    const a = client('lab', 'doomed', ADMIN_TOKEN);
    const b = client('lab', 'doomed', writerToken);
    await waitFor('both synced', () => a.provider.synced && b.provider.synced);
    a.doc.getText('t').insert(0, 'a secret plan');
    await waitFor('b has it', () => b.text() === 'a secret plan');

    expect((await api('DELETE', '/repos/admin/lab/notes/doomed', undefined, readerToken)).status).toBe(403);
    expect((await api('DELETE', '/repos/admin/lab/notes/doomed', undefined, outsiderToken)).status).toBe(404);
    expect((await api('DELETE', '/repos/admin/lab/notes/..%2Fopen%2Fx', undefined, writerToken)).status).toBe(400);
    expect((await api('DELETE', '/repos/admin/lab/notes/doomed', undefined, writerToken)).status).toBe(204);
    await waitFor('both closed as deleted', () =>
      [a, b].every((c) => c.closes.some((x) => x.code === 4410 && x.reason === 'note deleted')),
    );

    // A device that kept its copy (b's doc still holds the text) reconnects: refused, not restored.
    const again = client('lab', 'doomed', writerToken);
    again.doc.getText('t').insert(0, 'resurrected');
    await waitFor('refused', () => again.closes.some((x) => x.code === 4410));
    const db = new Database(path.join(dataDir, 'cairn.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) AS n FROM yjs_updates WHERE doc = 'admin/lab/doomed'").get()).toEqual({
        n: 0,
      });
    } finally {
      db.close();
    }
    const audit = (await (await api('GET', '/admin/audit?action=note_deleted')).json()) as {
      events: Array<{ actor: string; target: string }>;
    };
    expect(audit.events.map((e) => [e.actor, e.target])).toEqual([['writer', 'repos/admin/lab/notes/doomed']]);
    // Other notes are untouched.
    const other = client('lab', 'converge', ADMIN_TOKEN);
    await waitFor('other note still syncs', () => other.provider.synced);
  });
});

function countRows(doc: string): number {
  const db = new Database(path.join(dataDir, 'cairn.db'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM yjs_updates WHERE doc = ?').get(doc) as { n: number }).n;
  } finally {
    db.close();
  }
}
