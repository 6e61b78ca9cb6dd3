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

import { CairnError } from '@cairn/core/errors';

export type SqlDialect = 'sqlite' | 'postgres';

/** What a parameter may be. Booleans are stored as 0/1 integers on both engines. */
export type SqlValue = string | number | bigint | null | Uint8Array;
/**
 * An array parameter: PostgreSQL only (`unnest(?::bigint[], …)` inserts many rows in one
 * statement; see mlflow/sql-helpers.ts `insertRows`). SQLite refuses it.
 */
export type SqlArray = readonly (string | number | null)[];
export type SqlParams = readonly (SqlValue | SqlArray)[];

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

/**
 * The database could not be reached (PostgreSQL down, restarting, refusing connections, the
 * connection cut mid-statement). Nothing of the statement is known to have happened unless it was
 * committed before; the HTTP layer answers 503 + Retry-After (server.ts; MLflow's route in its own
 * error shape) so clients retry.
 */
/** The Retry-After (seconds) sent with a 503 for DatabaseUnavailableError: about a restart's length. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export class DatabaseUnavailableError extends CairnError<'database_unavailable', { cause: string }> {
  constructor(data: { cause: string }) {
    super('database_unavailable', `The database is unavailable (${data.cause}); retry shortly.`, data);
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * Whether `err` is a UNIQUE or PRIMARY KEY violation, on either engine: a store that inserts a
 * name someone may have taken meanwhile turns exactly this into its own "taken" error.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === '23505' || // PostgreSQL's unique_violation
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
