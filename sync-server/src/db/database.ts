import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Histogram } from 'prom-client';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the server's SQLite database in WAL mode. SQLite is the embedded
 * default; every feature reaches it only through its own store module, so a PostgreSQL
 * implementation of those stores can replace it later.
 */
export function openDatabase(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Waiting for another process's lock (5 s) is set before anything else: several processes may
  // open one new data folder at once (a service manager starting them together).
  const db = new Database(file, { timeout: 5000 });
  whenNotBusy(() => db.pragma('journal_mode = WAL'));
  // FULL: a commit is on disk before it returns, so "acknowledged" means durable.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    feature TEXT NOT NULL,
    version INTEGER NOT NULL,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (feature, version)
  )`);
  return db;
}

/**
 * Applies the migrations of one feature (accounts, mlflow, yjs, …) that have not run yet, each
 * in its own transaction. `migrations[i]` is version i+1: append new ones, never edit shipped
 * ones. Features migrate independently, so each owns its tables.
 */
export function migrate(db: Db, feature: string, migrations: readonly string[]): void {
  const applied = db.prepare('SELECT 1 FROM schema_migrations WHERE feature = ? AND version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (feature, version, applied_at) VALUES (?, ?, ?)');
  migrations.forEach((sql, i) => {
    const version = i + 1;
    if (applied.get(feature, version)) return;
    // IMMEDIATE: the write lock first, then the check again. Processes migrating one folder at once
    // take turns, and each version runs once (checked before the lock, two ran it: "table exists").
    db.transaction(() => {
      if (applied.get(feature, version)) return;
      db.exec(sql);
      record.run(feature, version, Date.now());
    }).immediate();
  });
}

/**
 * Runs `fn`, again while SQLite answers "database is locked" for up to 10 s. Switching a new file to
 * WAL needs it to itself, and SQLite answers that at once, without waiting the busy timeout, while
 * another process opening the same new file holds it.
 */
function whenNotBusy<T>(fn: () => T): T {
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      return fn();
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > until) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/**
 * Times every prepared statement's run/get/all from now on, as `cairn_db_statement_seconds` by
 * kind (read or write); the histogram is registered by the server that exposes it (server.ts).
 * The cost is two clock reads per statement, small beside SQLite's own work.
 */
export function timeStatements(db: Db): Histogram<'kind'> {
  const seconds = new Histogram({
    name: 'cairn_db_statement_seconds',
    help: 'Time the database (SQLite or PostgreSQL) took to run a statement, by kind (read or write).',
    labelNames: ['kind'],
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [],
  });
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    const kind = statement.reader ? 'read' : 'write';
    for (const method of ['run', 'get', 'all'] as const) {
      const call = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        const start = performance.now();
        try {
          return call(...args);
        } finally {
          seconds.observe({ kind }, (performance.now() - start) / 1000);
        }
      };
    }
    return statement;
  }) as typeof db.prepare;
  return seconds;
}
