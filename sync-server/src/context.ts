import path from 'node:path';
import type { Histogram } from 'prom-client';
import type { AuditLog } from './audit/audit-log.ts';
import type { Access } from './auth/access.ts';
import type { SignInLimits } from './auth/sign-in-limits.ts';
import type { BlobStore } from './blobs/blob-store.ts';
import type { ServerConfig, ServerSettings } from './config.ts';
import { type Db, openDatabase, timeStatements } from './db/database.ts';
import { recordDatabasePlace } from './db/database-marker.ts';
import type { DbLocks } from './db/db-locks.ts';
import { openPostgres } from './db/postgres-sql.ts';
import type { SqlDatabase } from './db/sql.ts';
import { sqliteSql } from './db/sqlite-sql.ts';
import type { Logger } from './log.ts';
import type { ArtifactStore } from './mlflow/artifact-store.ts';
import type { MlflowStores } from './mlflow/feature.ts';
import type { Importer } from './repos/import.ts';
import type { RepoStore } from './repos/store.ts';

/**
 * What every server feature receives when it is mounted: configuration, logger and the
 * database. Features build their own stores on top (see each feature's `store.ts`).
 */
export interface ServerContext {
  config: ServerConfig;
  log: Logger;
  /**
   * The raw SQLite connection, for stores not yet moved onto `sql` (issue 15: every store moves
   * to `sql` so PostgreSQL can replace SQLite; this goes when the last one has).
   */
  db: Db;
  /** The database every store should use: SQLite (the default) or PostgreSQL (db/sql.ts). */
  sql: SqlDatabase;
  /** Statement timings of `db`, exposed in `/metrics` (db/database.ts timeStatements). */
  dbTimings?: Histogram<'kind'>;
}

/**
 * The server's shared parts, built once by the composition root (cairn.ts `makeServices`) and
 * handed to every feature: nothing else builds them and no feature looks them up, so each
 * exists once per server (one 100k-run cache, one parse of the settings, one importer).
 */
export interface Services {
  ctx: ServerContext;
  settings: ServerSettings;
  repos: RepoStore;
  access: Access;
  /** Password-guessing limits, shared by every channel that checks a password (auth/sign-in-limits.ts). */
  signInLimits: SignInLimits;
  /** The audit log read by site admins (audit/audit-log.ts). */
  audit: AuditLog;
  /** DVC 3 objects, named by md5 (`DATA/blobs/md5/…`). */
  blobs: BlobStore;
  /** DVC 2 legacy objects, named by md5-dos2unix: the same name can mean other bytes. */
  legacyBlobs: BlobStore;
  /** MLflow artifacts, named by path: the data folder or the same bucket as the blobs. */
  artifacts: ArtifactStore;
  importer: Importer;
  mlflow: MlflowStores;
  /**
   * Locks across every process sharing the database (db/db-locks.ts): one writer per repository
   * folder, background rounds run by one process.
   */
  locks: DbLocks;
}

/**
 * Opens the databases: SQLite in the data folder always (`db`, for stores not yet on `sql`), and
 * `sql` over that same connection, or over PostgreSQL when CAIRN_DATABASE_URL says so.
 */
export async function makeContext(config: ServerConfig, log: Logger): Promise<ServerContext> {
  // First: a data folder moved to PostgreSQL is refused before anything is opened.
  recordDatabasePlace(config.dataDir, config.database);
  const db = openDatabase(path.join(config.dataDir, 'cairn.db'));
  const dbTimings = timeStatements(db);
  if (config.database.kind === 'postgres') {
    const sql = await openPostgres(config.database.url, {
      timings: dbTimings,
      onIdleError: (err) => log.error('database connection lost', { error: err.message }),
    }).catch((err: unknown) => {
      db.close();
      throw err;
    });
    return { config, log, db, sql, dbTimings };
  }
  // Over the same connection as `db`, so moved and not-yet-moved stores see one database.
  return { config, log, db, sql: sqliteSql(db), dbTimings };
}
