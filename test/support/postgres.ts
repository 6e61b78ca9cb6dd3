/**
 * A real PostgreSQL for tests: one unprivileged cluster per test file, started by
 * scripts/engines/postgres.sh (the same script a person runs) in a temporary folder, and a fresh
 * database per test (`freshDatabase`). Without Debian's `postgresql` the PostgreSQL tests are
 * skipped with one line, unless CAIRN_REQUIRE_PG=1 (CI) makes that a failure.
 */

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { engineGate } from './engine-gate.ts';

const exec = promisify(execFile);
const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/engines/postgres.sh');

export const PG_MISSING_MESSAGE =
  'PostgreSQL tests skipped: no PostgreSQL server programs — install them with `apt-get install postgresql` to run them.';

function installed(): boolean {
  const dirs = fs.existsSync('/usr/lib/postgresql')
    ? fs.readdirSync('/usr/lib/postgresql').map((v) => path.join('/usr/lib/postgresql', v, 'bin'))
    : [];
  if (process.env.PG_BINDIR) dirs.push(process.env.PG_BINDIR);
  return dirs.some((d) => fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl')));
}

/**
 * True when PostgreSQL tests can run. Without the server programs they are skipped with one
 * clear line, unless CAIRN_REQUIRE_PG=1, where the missing engine is a failure.
 */
export const pgAvailable = engineGate('CAIRN_REQUIRE_PG', PG_MISSING_MESSAGE, installed);

export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`, the maintenance database. */
  url: string;
  port: number;
  /** The folder holding the cluster (data, log, socket). */
  dir: string;
  /** A new empty database on this cluster; its URL. */
  freshDatabase(): Promise<string>;
  /** Stops the server only (fast shutdown: connections are cut); the data stays. */
  stopServer(): Promise<void>;
  /** Starts it again on the same port, with the same data. */
  startServer(): Promise<void>;
  /** Stops the server (fast shutdown) and removes the folder. */
  stop(): Promise<void>;
}

let databases = 0;

export async function startPostgres(): Promise<PostgresCluster> {
  const { stdout } = await exec(script, ['start'], { timeout: 120_000 });
  const vars = Object.fromEntries(
    stdout
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  ) as Record<string, string>;
  const url = vars.CAIRN_DATABASE_URL as string;
  const dir = vars.CAIRN_PG_DIR as string;
  return {
    url,
    port: Number(vars.CAIRN_PG_PORT),
    dir,
    async freshDatabase() {
      const name = `cairn_test_${process.pid}_${++databases}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      const u = new URL(url);
      u.pathname = `/${name}`;
      return u.href;
    },
    async stopServer() {
      await exec(script, ['stop-server', dir], { timeout: 60_000 });
    },
    async startServer() {
      await exec(script, ['start-server', dir], { timeout: 60_000 });
    },
    async stop() {
      await exec(script, ['stop', dir], { timeout: 60_000 });
    },
  };
}
