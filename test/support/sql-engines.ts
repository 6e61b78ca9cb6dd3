/**
 * The database engines a store's tests run against, for `describe.each(sqlEngines())`: SQLite in
 * a temporary folder, and PostgreSQL (one cluster per test file, started on first use and stopped
 * after the file; a fresh database per `open`). Without PostgreSQL installed its entry is left out
 * with one line, unless CAIRN_REQUIRE_PG=1 (test/support/postgres.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase } from '../../sync-server/src/db/database.ts';
import { openPostgres } from '../../sync-server/src/db/postgres-sql.ts';
import type { SqlDatabase, SqlDialect } from '../../sync-server/src/db/sql.ts';
import { sqliteSql } from '../../sync-server/src/db/sqlite-sql.ts';
import { type PostgresCluster, pgAvailable, startPostgres } from './postgres.ts';

export interface SqlEngine {
  name: SqlDialect;
  /** A fresh, empty database (schema_migrations made); `cleanup` closes and removes it. */
  open(): Promise<{ sql: SqlDatabase; cleanup(): Promise<void> }>;
  /** The server's settings for a fresh database on this engine ({} for SQLite in the data folder). */
  serverEnv(): Promise<Record<string, string>>;
}

export const sqliteEngine: SqlEngine = {
  name: 'sqlite',
  async open() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-sql-'));
    const sql = sqliteSql(openDatabase(path.join(dir, 'cairn.db')));
    return {
      sql,
      async cleanup() {
        await sql.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  serverEnv: async () => ({}),
};

let cluster: Promise<PostgresCluster> | null = null;
let stopRegistered = false;

/** This file's PostgreSQL cluster, started on first use and stopped after the file. */
export function sharedPostgres(): Promise<PostgresCluster> {
  cluster ??= startPostgres();
  return cluster;
}

export const postgresEngine: SqlEngine = {
  name: 'postgres',
  async open() {
    const url = await (await sharedPostgres()).freshDatabase();
    const sql = await openPostgres(url, { maxConnections: 4 });
    return { sql, cleanup: () => sql.close() };
  },
  serverEnv: async () => ({ CAIRN_DATABASE_URL: await (await sharedPostgres()).freshDatabase() }),
};

/** SQLite, and PostgreSQL where it is installed; call at a test file's top level. */
export function sqlEngines(): SqlEngine[] {
  if (!stopRegistered) {
    stopRegistered = true;
    // Stopping is a shutdown checkpoint and removing every test's database: beyond the default
    // 10 s hook limit on a loaded machine.
    afterAll(async () => {
      if (cluster) await (await cluster).stop();
      cluster = null;
    }, 120_000);
  }
  if (!pgAvailable()) return [sqliteEngine];
  // Started before the file's tests, so no test's own time includes the cluster's start.
  beforeAll(() => sharedPostgres().then(() => undefined), 120_000);
  return [sqliteEngine, postgresEngine];
}
