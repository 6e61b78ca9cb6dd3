import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the server's SQLite database in WAL mode. SQLite is the embedded
 * default; every feature reaches it only through its own store module, so a PostgreSQL
 * implementation of those stores can replace it later.
 */
export function openDatabase(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
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
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations WHERE feature = ?')
      .all(feature)
      .map((r) => (r as { version: number }).version),
  );
  const record = db.prepare('INSERT INTO schema_migrations (feature, version, applied_at) VALUES (?, ?, ?)');
  migrations.forEach((sql, i) => {
    const version = i + 1;
    if (applied.has(version)) return;
    db.transaction(() => {
      db.exec(sql);
      record.run(feature, version, Date.now());
    })();
  });
}
