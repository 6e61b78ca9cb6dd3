/**
 * Yjs fan-out across server processes (issue 15): 200 WebSocket clients on one document, 100 on
 * each of two Cairn processes sharing one PostgreSQL; one more client on the first process sends
 * an update and we time until all 200 have received it — those on the second process get it
 * through NOTIFY + a read of the row (yjs/fanout.ts). Baseline, in the same run: one Cairn
 * process on the same PostgreSQL with all 200 clients. Both servers are real child processes
 * (`sync-server/src/main.ts`); the clients live in this process. p99 is the figure of interest.
 * `BENCH_YJS_CLIENTS` (default 200) and `BENCH_YJS_UPDATES` (default 300) scale it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PG_MISSING_MESSAGE, pgAvailable, startPostgres } from '../test/support/postgres.ts';
import { type SpawnedServer, spawnServer } from '../test/support/spawn-server.ts';
import { type Measurement, median, percentile, report } from './lib.ts';
import { fanOut } from './yjs-fanout-helpers.ts';

const CLIENTS = Number(process.env.BENCH_YJS_CLIENTS ?? 200);
const UPDATES = Number(process.env.BENCH_YJS_UPDATES ?? 300);
const TOKEN = 'cairn_bench_admin_token_000002';

if (!pgAvailable()) {
  console.log(PG_MISSING_MESSAGE);
  process.exit(0);
}

const settings = { clients: CLIENTS, updates: UPDATES, settleMs: 500 };

const cluster = await startPostgres();
const dirs: string[] = [];
const servers: SpawnedServer[] = [];
const start = async (databaseUrl: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-yjs-pg-'));
  dirs.push(dir);
  const s = await spawnServer(dir, {
    CAIRN_DATABASE_URL: databaseUrl,
    CAIRN_ADMIN_TOKEN: TOKEN,
    CAIRN_ADMIN_PASSWORD: 'bench-password',
    CAIRN_DEMO: '0',
    // All clients here are one user; lift the per-user socket cap above the client count.
    CAIRN_YJS_MAX_SOCKETS_PER_USER: String(CLIENTS + 10),
  });
  servers.push(s);
  return s;
};
const makeRepo = async (url: string) => {
  const created = await fetch(`${url}/api/v1/repos`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'bench', private: true }),
  });
  if (created.status !== 201) throw new Error(`creating the bench repo failed: ${created.status}`);
};
const docUrl = (s: SpawnedServer) => `${s.url.replace('http', 'ws')}/yjs/admin/bench/notes?token=${TOKEN}`;

try {
  // One process: its own database, all clients on it.
  const single = await start(await cluster.freshDatabase());
  await makeRepo(single.url);
  const oneTimes = await fanOut([docUrl(single)], settings);
  await single.kill();

  // Two processes on one (other) database, half the clients on each.
  const shared = await cluster.freshDatabase();
  const a = await start(shared);
  const b = await start(shared);
  await makeRepo(a.url);
  const twoTimes = await fanOut([docUrl(a), docUrl(b)], settings);

  const m = (name: string, runs: number[]): Measurement => ({ name, medianMs: median(runs), runs });
  const fmt = (t: number[]) => `${median(t).toFixed(2)} ms / ${percentile(t, 99).toFixed(2)} ms`;
  report(
    `one update to ${CLIENTS} clients on PostgreSQL, ${UPDATES} updates`,
    m('one process, all clients on it', oneTimes.all),
    [m(`two processes, ${CLIENTS / 2} clients on each (all received)`, twoTimes.all)],
    {
      'one process p50 / p99': fmt(oneTimes.all),
      'two processes p50 / p99 (all clients)': fmt(twoTimes.all),
      'two processes p50 / p99 (the other process’s clients)': fmt(twoTimes.last),
      'p99 two processes / one process': `${(percentile(twoTimes.all, 99) / percentile(oneTimes.all, 99)).toFixed(2)}×`,
    },
  );
} finally {
  for (const s of servers) await s.kill().catch(() => undefined);
  await cluster.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
}
