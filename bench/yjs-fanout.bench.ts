/**
 * Yjs fan-out: 200 WebSocket clients on one document; one more client sends an update and we
 * time until all 200 have received it (median and p99 over many updates). Baseline, in the
 * same run: a bare `ws` server relaying the same bytes to the same number of clients, with no
 * parsing, no Yjs and no storage. Cairn's figure includes validating the update, applying it,
 * and storing it durably (SQLite, synchronous=FULL) before relaying.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { configFromEnv, startCairn } from '../sync-server/src/index.ts';
import { type Measurement, median, percentile, report } from './lib.ts';
import { fanOut } from './yjs-fanout-helpers.ts';

const CLIENTS = Number(process.env.BENCH_YJS_CLIENTS ?? 200);
const UPDATES = Number(process.env.BENCH_YJS_UPDATES ?? 300);
const TOKEN = 'cairn_bench_admin_token_000001';
process.env.CAIRN_ADMIN_TOKEN = TOKEN;
process.env.CAIRN_ADMIN_PASSWORD = 'bench-password';
process.env.CAIRN_DEMO = '0';
// All clients here are one user; lift the per-user socket cap above the client count.
process.env.CAIRN_YJS_MAX_SOCKETS_PER_USER = String(CLIENTS + 10);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-yjs-'));
const cairn = await startCairn(
  configFromEnv({ ...process.env, PORT: '0', CAIRN_DATA: dataDir, CAIRN_LOG: 'silent', CAIRN_DEMO: '0' }),
);
const created = await fetch(`${cairn.url}/api/v1/repos`, {
  method: 'POST',
  headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
  body: JSON.stringify({ name: 'bench', private: true }),
});
if (created.status !== 201) throw new Error(`creating the bench repo failed: ${created.status}`);

// Baseline: relay every binary frame to every other client, nothing else.
const plain = new WebSocketServer({ port: 0, host: '127.0.0.1' });
plain.on('connection', (ws) => {
  ws.on('error', () => {});
  ws.on('message', (data) => {
    for (const other of plain.clients) if (other !== ws) other.send(data, { binary: true });
  });
});
await new Promise<void>((r) => plain.once('listening', () => r()));
const plainUrl = `ws://127.0.0.1:${(plain.address() as AddressInfo).port}`;

const settings = { clients: CLIENTS, updates: UPDATES, settleMs: 300 };
const plainTimes = (await fanOut([plainUrl], settings)).all;
const cairnTimes = (await fanOut([`${cairn.url.replace('http', 'ws')}/yjs/admin/bench/notes?token=${TOKEN}`], settings))
  .all;
const asMeasurement = (name: string, runs: number[]): Measurement => ({ name, medianMs: median(runs), runs });
report(
  `one update to ${CLIENTS} clients, ${UPDATES} updates`,
  asMeasurement('plain ws relay (no Yjs, no storage)', plainTimes),
  [asMeasurement('cairn /yjs (validate, apply, store, relay)', cairnTimes)],
  {
    'cairn p50 / p99': `${median(cairnTimes).toFixed(2)} ms / ${percentile(cairnTimes, 99).toFixed(2)} ms`,
    'plain p50 / p99': `${median(plainTimes).toFixed(2)} ms / ${percentile(plainTimes, 99).toFixed(2)} ms`,
  },
);

plain.close();
await cairn.close(1000);
fs.rmSync(dataDir, { recursive: true, force: true });
