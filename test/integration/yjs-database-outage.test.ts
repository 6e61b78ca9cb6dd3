import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresCluster, pgAvailable, startPostgres } from '../support/postgres.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { waitFor, yClient } from './yjs-clients.ts';

/**
 * Live notes while PostgreSQL restarts: an open note's socket stays open through the outage (the
 * periodic rights check that cannot be made revokes nothing), a socket opened during it is told to
 * try again later (1013, not an internal error), and once PostgreSQL is back both clients edit
 * and converge.
 */
const ADMIN_TOKEN = 'cairn_test_admin_token_yjs_outage1';

describe.runIf(pgAvailable())('live notes while PostgreSQL restarts', () => {
  let cluster: PostgresCluster;
  let server: TestServer;

  beforeAll(async () => {
    cluster = await startPostgres();
    server = await startTestServer({
      CAIRN_DATABASE_URL: await cluster.freshDatabase(),
      CAIRN_ADMIN_PASSWORD: 'admin-password-yjs-outage',
      CAIRN_ADMIN_TOKEN: ADMIN_TOKEN,
      // Rights are checked again every 200 ms, so the outage spans several checks.
      CAIRN_YJS_RECHECK_MS: '200',
    });
    const made = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'notes', private: true }),
    });
    expect(made.status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await cluster?.stop();
  }, 120_000);

  it('keeps an open note open, asks a new one to retry, and converges once it is back', async () => {
    const open = yClient(server.url, 'admin', 'notes', 'plan', ADMIN_TOKEN);
    let late: ReturnType<typeof yClient> | undefined;
    try {
      await waitFor('the first client synced', () => open.provider.synced);
      open.doc.getText('t').insert(0, 'before. ');
      await cluster.stopServer();
      // Several rights checks fail to reach PostgreSQL meanwhile; none may close the socket.
      await new Promise((r) => setTimeout(r, 1500));
      expect(open.closes).toEqual([]);
      expect(open.provider.wsconnected).toBe(true);

      late = yClient(server.url, 'admin', 'notes', 'plan', ADMIN_TOKEN);
      const lateClient = late;
      await waitFor('the late client to be told to retry', () => lateClient.closes.length > 0, 20_000);
      expect(lateClient.closes[0]).toEqual({ code: 1013, reason: 'database_unavailable' });

      await cluster.startServer();
      await waitFor('the late client synced once PostgreSQL is back', () => lateClient.provider.synced, 30_000);
      await waitFor('the late client to have the first edit', () => lateClient.text() === 'before. ', 30_000);
      lateClient.doc.getText('t').insert(lateClient.text().length, 'after.');
      await waitFor('the open client to see the late edit', () => open.text() === 'before. after.', 30_000);
    } finally {
      open.destroy();
      late?.destroy();
    }
  }, 120_000);
});
