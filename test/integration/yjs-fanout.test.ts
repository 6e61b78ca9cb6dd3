import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresCluster, pgAvailable, startPostgres } from '../support/postgres.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { waitFor, yClient } from './yjs-clients.ts';

/**
 * Two Cairn servers sharing nothing but one real PostgreSQL (each its own data folder, port and
 * memory), as two processes behind a load balancer would: two y-websocket clients, one on each,
 * co-edit a note and see each other's edits live; PostgreSQL restarted in the middle of the
 * editing loses nothing, and both clients converge once it is back.
 */
const ADMIN_TOKEN = 'cairn_test_admin_token_fanout_01';

describe.runIf(pgAvailable())('live notes across two server processes on one PostgreSQL', () => {
  let cluster: PostgresCluster;
  let one: TestServer;
  let two: TestServer;
  let databaseUrl: string;

  beforeAll(async () => {
    cluster = await startPostgres();
    databaseUrl = await cluster.freshDatabase();
    const env = {
      CAIRN_DATABASE_URL: databaseUrl,
      CAIRN_ADMIN_PASSWORD: 'admin-password-fanout',
      CAIRN_ADMIN_TOKEN: ADMIN_TOKEN,
    };
    one = await startTestServer(env);
    two = await startTestServer(env);
    const made = await fetch(`${one.url}/api/v1/repos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'shared', private: true }),
    });
    expect(made.status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await one?.stop();
    await two?.stop();
    await cluster?.stop();
  }, 120_000);

  it('relays an edit made through one process to a client of the other, both ways', async () => {
    const a = yClient(one.url, 'admin', 'shared', 'plan', ADMIN_TOKEN);
    const b = yClient(two.url, 'admin', 'shared', 'plan', ADMIN_TOKEN);
    try {
      await waitFor('both clients synced', () => a.provider.synced && b.provider.synced);
      a.doc.getText('t').insert(0, 'from one. ');
      await waitFor('the edit made on one to reach two', () => b.text() === 'from one. ');
      b.doc.getText('t').insert(b.text().length, 'from two.');
      await waitFor('the edit made on two to reach one', () => a.text() === 'from one. from two.');
      // Concurrent edits on both sides converge to one text holding both.
      a.doc.getText('t').insert(0, '[a]');
      b.doc.getText('t').insert(0, '[b]');
      await waitFor('both clients to converge', () => a.text() === b.text() && a.text().length === 25);
      expect(a.text()).toMatch(/^(\[a\]\[b\]|\[b\]\[a\])from one\. from two\.$/);
    } finally {
      a.destroy();
      b.destroy();
    }
  });

  it('loses nothing when PostgreSQL restarts mid-edit: both clients converge once it is back', async () => {
    const a = yClient(one.url, 'admin', 'shared', 'restart', ADMIN_TOKEN);
    const b = yClient(two.url, 'admin', 'shared', 'restart', ADMIN_TOKEN);
    let expected = '';
    try {
      await waitFor('both clients synced', () => a.provider.synced && b.provider.synced);
      for (let i = 0; i < 20; i++) a.doc.getText('t').insert(a.text().length, `a${i} `);
      await waitFor('the first edits to reach two', () => b.text() === a.text());
      await cluster.stopServer();
      // Edited on both sides while the database is down: the servers cannot store these, so
      // they drop the documents; the clients keep their edits and send them again on reconnect.
      for (let i = 0; i < 10; i++) {
        a.doc.getText('t').insert(a.text().length, `A${i} `);
        b.doc.getText('t').insert(0, `B${i} `);
      }
      await new Promise((r) => setTimeout(r, 500));
      await cluster.startServer();
      for (let i = 0; i < 10; i++) b.doc.getText('t').insert(0, `b${i} `);
      await waitFor(
        'both clients to converge after the restart',
        () => a.text() === b.text() && [...a.text().matchAll(/[aAbB]\d+ /g)].length === 50,
        60_000,
      );
      for (const word of ['a19 ', 'A9 ', 'B9 ', 'b9 ']) expect(a.text()).toContain(word);
      // Still live after the restart: an edit on two reaches one's connected client.
      b.doc.getText('t').insert(0, 'after. ');
      await waitFor('a live edit after the restart', () => a.text() === b.text() && a.text().startsWith('after. '));
      expected = a.text();
    } finally {
      a.destroy();
      b.destroy();
    }
    // A third client, on either process, loads the same text from PostgreSQL.
    const c = yClient(two.url, 'admin', 'shared', 'restart', ADMIN_TOKEN);
    try {
      await waitFor('a new client to load the note', () => c.provider.synced && c.text() === expected);
    } finally {
      c.destroy();
    }
  }, 120_000);

  it('catches up on what was stored while its listening connection was cut', async () => {
    const a = yClient(one.url, 'admin', 'shared', 'cut', ADMIN_TOKEN);
    const b = yClient(two.url, 'admin', 'shared', 'cut', ADMIN_TOKEN);
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      await waitFor('both clients synced', () => a.provider.synced && b.provider.synced);
      // Cut both processes' LISTEN connections (the database stays up, so nothing else fails)
      // and edit at once, before they are back: the edit can only arrive by the catch-up read.
      const cut = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()",
      );
      expect(cut.rowCount).toBe(2);
      a.doc.getText('t').insert(0, 'written while nobody listened');
      await waitFor('the edit to reach two', () => b.text() === 'written while nobody listened');
      b.doc.getText('t').insert(0, 'and live again: ');
      await waitFor('a live edit to reach one', () => a.text() === 'and live again: written while nobody listened');
    } finally {
      await admin.end();
      a.destroy();
      b.destroy();
    }
  });

  it('shows a client on one process the presence (cursor, name) of a client on the other, and its leaving', async () => {
    const a = yClient(one.url, 'admin', 'shared', 'presence', ADMIN_TOKEN);
    const b = yClient(two.url, 'admin', 'shared', 'presence', ADMIN_TOKEN);
    try {
      await waitFor('both clients synced', () => a.provider.synced && b.provider.synced);
      a.provider.awareness.setLocalStateField('user', { name: 'Ada on one' });
      await waitFor('one’s presence to reach two', () =>
        [...b.provider.awareness.getStates().values()].some(
          (s) => (s as { user?: { name?: string } }).user?.name === 'Ada on one',
        ),
      );
      a.destroy();
      await waitFor('one’s client to be gone on two', () => b.provider.awareness.getStates().size === 1);
    } finally {
      a.destroy();
      b.destroy();
    }
  });

  it('closes a deleted note on the other process too', async () => {
    const b = yClient(two.url, 'admin', 'shared', 'doomed', ADMIN_TOKEN);
    try {
      await waitFor('the client synced', () => b.provider.synced);
      b.doc.getText('t').insert(0, 'to be deleted');
      const deleted = await fetch(`${one.url}/api/v1/repos/admin/shared/notes/doomed`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(deleted.status).toBe(204);
      await waitFor('the note closed as deleted on two', () => b.closes.some((c) => c.code === 4410));
    } finally {
      b.destroy();
    }
  });
});
