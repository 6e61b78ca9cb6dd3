import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo } from '../support/create-repo.ts';
import { freePort } from '../support/free-port.ts';
import { type SpawnedServer, spawnServer } from '../support/spawn-server.ts';
import { waitFor, type YClient, yClient } from './yjs-clients.ts';

/**
 * Acknowledged means durable (RELIABILITY B5, F3): the real server, in its own process, is
 * killed with SIGKILL in the middle of a burst of edits and restarted on the same data. Every
 * edit another client had received before the kill is still there, and the writer's other
 * edits arrive when it reconnects — nothing lost, nothing doubled.
 */
const ADMIN_TOKEN = 'cairn_test_admin_token_yjs_0004';
process.setMaxListeners(100);

let dataDir: string;
let port: number;
let server: SpawnedServer | null = null;
const clients: YClient[] = [];
const url = () => `http://127.0.0.1:${port}`;

/** The server on the same port each time, so the clients' reconnects find it again. */
async function startServerProcess(): Promise<void> {
  server = await spawnServer(dataDir, {
    PORT: String(port),
    CAIRN_LOG: 'silent',
    CAIRN_DEMO: '0',
    CAIRN_ADMIN_PASSWORD: 'admin-password-crash',
    CAIRN_ADMIN_TOKEN: ADMIN_TOKEN,
  });
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-yjs-crash-'));
  port = await freePort();
  await startServerProcess();
  const res = await createRepo(url(), ADMIN_TOKEN, { name: 'lab', private: true });
  expect(res.status).toBe(201);
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.kill();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the Yjs relay killed mid-edit', () => {
  it('keeps every update a peer had received, and takes the rest when the writer reconnects', async () => {
    const writer = yClient(url(), 'admin', 'lab', 'crash', ADMIN_TOKEN);
    const observer = yClient(url(), 'admin', 'lab', 'crash', ADMIN_TOKEN);
    clients.push(writer, observer);
    await waitFor('both synced', () => writer.provider.synced && observer.provider.synced);
    const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}\n`);

    // Burst 1, fully relayed: these updates were acknowledged to another peer.
    for (const l of lines(0, 50)) writer.doc.getText('t').insert(writer.text().length, l);
    await waitFor('observer has burst 1', () => observer.text().split('\n').length === 51);
    const acknowledged = observer.text();

    // Burst 2, killed in the middle.
    for (const l of lines(50, 100)) writer.doc.getText('t').insert(writer.text().length, l);
    await server?.kill();
    // Keep the old clients away until the fresh one has seen what the server kept on its own.
    writer.provider.disconnect();
    observer.provider.disconnect();
    await startServerProcess();

    const fresh = yClient(url(), 'admin', 'lab', 'crash', ADMIN_TOKEN);
    clients.push(fresh);
    await waitFor('fresh client synced', () => fresh.provider.synced);
    expect(fresh.text().startsWith(acknowledged)).toBe(true);

    writer.provider.connect();
    observer.provider.connect();

    await waitFor('writer reconnected and re-sent', () => fresh.text() === writer.text(), 30_000);
    expect(fresh.text()).toBe(lines(0, 100).join(''));
    await waitFor('observer converged', () => observer.text() === writer.text(), 30_000);
  });
});
