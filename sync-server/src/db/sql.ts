/**
 * The one interface every store reaches its tables through: a handful of async calls that
 * SQLite (the embedded default, sqlite-sql.ts) and PostgreSQL (postgres-sql.ts) both implement,
 * so a store is written once and runs on either. Statements use `?` placeholders and the SQL
 * both engines share; where they differ, a store branches on `dialect` (and each feature keeps
 * one migration list per dialect, see migrate-sql.ts).
 *
 * Why async even for SQLite: PostgreSQL answers over a socket, so a store that must run on both
 * cannot return synchronously. SQLite's calls still run synchronously underneath and resolve at
 * once.
 */

export type SqlDialect = 'sqlite' | 'postgres';

/** What a parameter may be. Booleans are stored as 0/1 integers on both engines. */
export type SqlValue = string | number | bigint | null | Uint8Array;
export type SqlParams = readonly SqlValue[];

export interface SqlRunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

/** Statements outside or inside a transaction. Use `INSERT … RETURNING id` for new ids. */
export interface SqlQueries {
  readonly dialect: SqlDialect;
  /** Every row. Column names are as selected; integers come back as JS numbers. */
  all<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]>;
  /** The first row, or undefined. */
  get<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T | undefined>;
  /** A statement that returns no rows. */
  run(sql: string, params?: SqlParams): Promise<SqlRunResult>;
  /** Several `;`-separated statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface SqlDatabase extends SqlQueries {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * Inside, use only `tx` — a statement on the database itself waits for the transaction to end
   * (SQLite: one writer at a time; PostgreSQL: another pooled connection), so calling it from
   * inside `work` would wait for ever on SQLite.
   */
  transaction<T>(work: (tx: SqlQueries) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
