import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { writeUpdateMessage } from '../../sync-server/src/yjs/messages.ts';
import { createRepo } from '../support/create-repo.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { rawSocket, waitFor, type YClient, yClient } from './yjs-clients.ts';

/**
 * One bad client cannot hurt the others: oversize frames, random bytes, truncated varuints,
 * lying length prefixes, text frames and floods each close that socket only; the document is
 * unchanged, the other clients keep syncing, the process stays up.
 */
const ADMIN_TOKEN = 'cairn_test_admin_token_yjs_0002';
process.setMaxListeners(100);
const MAX_PAYLOAD = 1024 * 1024; // the default

let server: TestServer;
let a: YClient;
let b: YClient;
const DOC = 'admin/lab/shared';

beforeAll(async () => {
  server = await startTestServer({
    CAIRN_ADMIN_PASSWORD: 'admin-password-yjs',
    CAIRN_ADMIN_TOKEN: ADMIN_TOKEN,
    CAIRN_DEMO: '0',
    CAIRN_YJS_MAX_MESSAGES_PER_SECOND: '50',
  });
  const res = await createRepo(server.url, ADMIN_TOKEN, { name: 'lab', private: true });
  expect(res.status).toBe(201);
  a = yClient(server.url, 'admin', 'lab', 'shared', ADMIN_TOKEN);
  b = yClient(server.url, 'admin', 'lab', 'shared', ADMIN_TOKEN);
  a.doc.getText('t').insert(0, 'base');
  await waitFor('b synced', () => b.text() === 'base');
});

afterAll(async () => {
  a?.destroy();
  b?.destroy();
  await server?.stop();
});

function storedRows(): number {
  const db = new Database(path.join(server.dataDir, 'cairn.db'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM yjs_updates WHERE doc = ?').get(DOC) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** An edit still travels between the two good clients. */
async function othersStillSync(marker: string): Promise<void> {
  a.doc.getText('t').insert(a.text().length, marker);
  await waitFor(`b receives ${marker}`, () => b.text().endsWith(marker));
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
}

/** Deterministic noise (a fixed-seed LCG), so a failure can be replayed. */
function seededBytes(n: number, seed = 0x2545f491): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

async function sendAndExpectClose(frame: Buffer | string, code: number): Promise<void> {
  const bad = rawSocket(server.url, `/yjs/admin/lab/shared?token=${ADMIN_TOKEN}`);
  await bad.opened;
  const textBefore = b.text();
  const rowsBefore = storedRows();
  bad.ws.send(frame);
  expect((await bad.closed).code).toBe(code);
  expect(storedRows()).toBe(rowsBefore);
  expect(b.text()).toBe(textBefore);
}

describe('the Yjs relay under bad input', () => {
  it('closes a connection sending more than maxPayload with 1009, and only that one', async () => {
    await sendAndExpectClose(Buffer.alloc(MAX_PAYLOAD + 1, 0), 1009);
    await othersStillSync(' after-oversize');
  });

  it.each([
    ['random bytes', seededBytes(64)],
    ['an update of random bytes', Buffer.concat([Buffer.from([0x00, 0x02, 62]), seededBytes(62)])],
    ['a truncated varuint', Buffer.from([0x00, 0x02, 0xff, 0xff, 0xff])],
    ['a length prefix far past the end', Buffer.from([0x00, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02])],
    ['an unknown message type', Buffer.from([0x63])],
    ['an empty frame', Buffer.alloc(0)],
  ])('closes a connection sending %s with 1007; the document is unchanged', async (_what, frame) => {
    await sendAndExpectClose(frame, 1007);
    await othersStillSync(` ok-${frame.length}`);
  });

  it('closes a connection sending a text frame with 1003', async () => {
    await sendAndExpectClose('hello', 1003);
    await othersStillSync(' after-text');
  });

  it('closes a connection sending a frame with reserved (RSV) bits set with 1002', async () => {
    const { port } = new URL(server.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.on('error', () => {});
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    const ended = new Promise<void>((r) => socket.on('close', () => r()));
    socket.write(
      `GET /yjs/admin/lab/shared?token=${ADMIN_TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await waitFor('101 Switching Protocols', () => Buffer.concat(received).includes('101 Switching Protocols'));
    // FIN + RSV1 + binary, masked, 3 bytes (a query-awareness message and padding).
    const mask = [1, 2, 3, 4];
    const payload = [3, 0, 0].map((b, i) => b ^ (mask[i % 4] as number));
    socket.write(Buffer.from([0xc2, 0x80 | payload.length, ...mask, ...payload]));
    await ended;
    const all = Buffer.concat(received);
    const close = all.lastIndexOf(Buffer.from([0x88]));
    expect(close).toBeGreaterThan(0);
    expect(all.readUInt16BE(close + 2)).toBe(1002);
    await othersStillSync(' after-rsv');
  });

  it('closes a connection flooding small frames with 1008', async () => {
    const flood = rawSocket(server.url, `/yjs/admin/lab/shared?token=${ADMIN_TOKEN}`);
    await flood.opened;
    const queryAwareness = Buffer.from([3]);
    for (let i = 0; i < 500; i++) flood.ws.send(queryAwareness);
    expect((await flood.closed).code).toBe(1008);
    await othersStillSync(' after-flood');
  });

  it('stores nothing when a client re-sends the whole document it already shared', async () => {
    const rowsBefore = storedRows();
    const again = rawSocket(server.url, `/yjs/admin/lab/shared?token=${ADMIN_TOKEN}`);
    await again.opened;
    again.ws.send(writeUpdateMessage(Y.encodeStateAsUpdate(a.doc)));
    again.ws.send(writeUpdateMessage(Y.encodeStateAsUpdate(b.doc)));
    // The server answers this socket's SyncStep1 only after handling what it sent before.
    again.ws.send(Buffer.from([0x00, 0x00, 0x01, 0x00]));
    await waitFor('SyncStep2 reply', () => again.messages.some((m) => m[0] === 0 && m[1] === 1));
    expect(storedRows()).toBe(rowsBefore);
    await othersStillSync(' probe');
    expect(storedRows()).toBe(rowsBefore + 1);
    again.ws.close();
  });
});
