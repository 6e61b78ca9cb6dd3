import type { SqlDatabase, SqlDialect } from './sql.ts';

/**
 * One feature's migrations for each engine. `[dialect][i]` is version i+1: append new ones,
 * never edit shipped ones. The lists are versioned separately (PostgreSQL's may start from the
 * schema SQLite reached after several steps), and each engine records its own versions.
 */
export type Migrations = Readonly<Record<SqlDialect, readonly string[]>>;

/** Made by the database's opener before any feature migrates (sqlite + postgres alike). */
export const SCHEMA_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  feature TEXT NOT NULL,
  version INTEGER NOT NULL,
  applied_at BIGINT NOT NULL,
  PRIMARY KEY (feature, version)
)`;

/**
 * Applies the versions of one feature that have not run yet, each in its own transaction with
 * its record in schema_migrations. On PostgreSQL, several server processes may start at once:
 * a transaction-scoped advisory lock per feature makes them take turns, and each re-reads what
 * is applied once it holds the lock.
 */
export async function migrateSql(sql: SqlDatabase, feature: string, migrations: Migrations): Promise<void> {
  const steps = migrations[sql.dialect];
  for (let i = 0; i < steps.length; i++) {
    const version = i + 1;
    await sql.transaction(async (tx) => {
      if (tx.dialect === 'postgres') await tx.run('SELECT pg_advisory_xact_lock(hashtext(?))', [`migrate:${feature}`]);
      const done = await tx.get('SELECT 1 AS done FROM schema_migrations WHERE feature = ? AND version = ?', [
        feature,
        version,
      ]);
      if (done) return;
      await tx.exec(steps[i] as string);
      await tx.run('INSERT INTO schema_migrations (feature, version, applied_at) VALUES (?, ?, ?)', [
        feature,
        version,
        Date.now(),
      ]);
    });
  }
}
