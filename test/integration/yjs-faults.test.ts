import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo } from '../support/create-repo.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { waitFor, type YClient, yClient } from './yjs-clients.ts';

/**
 * RELIABILITY F2: connections cut again and again (a TCP proxy that drops every live socket)
 * while two clients type. They reconnect, and in the end both hold every line exactly once.
 */
const ADMIN_TOKEN = 'cairn_test_admin_token_yjs_0005';
process.setMaxListeners(100);

let server: TestServer;
let proxy: net.Server;
let proxyUrl: string;
const live = new Set<net.Socket>();
const clients: YClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ CAIRN_ADMIN_PASSWORD: 'admin-password-yjs', CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
  const res = await createRepo(server.url, ADMIN_TOKEN, { name: 'lab', private: true });
  expect(res.status).toBe(201);
  const target = Number(new URL(server.url).port);
  proxy = net.createServer((downstream) => {
    const upstream = net.connect(target, '127.0.0.1');
    for (const s of [downstream, upstream]) {
      live.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        live.delete(s);
        downstream.destroy();
        upstream.destroy();
      });
    }
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const s of live) s.destroy();
  await new Promise<void>((r) => proxy?.close(() => r()));
  await server?.stop();
});

describe('the Yjs relay behind a connection that keeps dropping', () => {
  it('converges with every edit exactly once', async () => {
    const a = yClient(proxyUrl, 'admin', 'lab', 'flaky', ADMIN_TOKEN);
    const b = yClient(proxyUrl, 'admin', 'lab', 'flaky', ADMIN_TOKEN);
    clients.push(a, b);
    await waitFor('both synced', () => a.provider.synced && b.provider.synced);

    const expected: string[] = [];
    for (let round = 0; round < 8; round++) {
      await waitFor(`reconnected before round ${round}`, () => a.provider.synced && b.provider.synced);
      for (let i = 0; i < 10; i++) {
        // Cut every connection in the middle of the burst, some rounds twice.
        if (i === 5) for (const s of live) s.destroy();
        if (i === 8 && round % 3 === 0) for (const s of live) s.destroy();
        for (const [name, c] of [
          ['a', a],
          ['b', b],
        ] as const) {
          const line = `${name}-${round}-${i}\n`;
          expected.push(line);
          c.doc.getText('t').insert(c.text().length, line);
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    }

    await waitFor('convergence', () => a.text() === b.text() && a.text().length === expected.join('').length, 30_000);
    // The cuts really happened (each shows as an abnormal close, 1006, on both clients).
    expect(a.closes.length).toBeGreaterThanOrEqual(8);
    expect(b.closes.length).toBeGreaterThanOrEqual(8);
    const lines = a.text().split('\n').filter(Boolean);
    expect(lines.length).toBe(expected.length);
    expect(new Set(lines)).toEqual(new Set(expected.map((l) => l.trim())));

    // The server holds the same: a client that never saw the cuts gets it all.
    const fresh = yClient(server.url, 'admin', 'lab', 'flaky', ADMIN_TOKEN);
    clients.push(fresh);
    await waitFor('fresh client synced', () => fresh.provider.synced && fresh.text() === a.text());
  });
});
