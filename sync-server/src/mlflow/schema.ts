import { type Migrations, migrateSql } from '../db/migrate-sql.ts';
import type { SqlDatabase } from '../db/sql.ts';

/**
 * The MLflow tables. Every row carries `repo_id` (the repositories table's id): each repository
 * is its own MLflow namespace, with its own experiment "0" (Default) and its own run ids.
 * `mlflow_runs.seq` is the run feed's sequence: bumped (from `mlflow_repo_seq`) in the same
 * transaction as any change to the run, so a client that saw seq N fetches only what changed.
 * `mlflow_latest_metrics` holds each metric's summary (latest by MLflow's rule, min, max,
 * count), kept on insert so searches never scan histories.
 *
 * Metric values: NaN is stored as 0 with `is_nan` = 1 (SQLite turns a NaN into NULL); the
 * infinities are stored as themselves (REAL and DOUBLE PRECISION both hold them).
 */
const SQLITE = [
  `CREATE TABLE mlflow_experiments (
    repo_id INTEGER NOT NULL,
    experiment_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    artifact_location TEXT NOT NULL,
    lifecycle_stage TEXT NOT NULL DEFAULT 'active',
    creation_time INTEGER NOT NULL,
    last_update_time INTEGER NOT NULL,
    PRIMARY KEY (repo_id, experiment_id),
    UNIQUE (repo_id, name)
  );
  CREATE TABLE mlflow_experiment_tags (
    repo_id INTEGER NOT NULL,
    experiment_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (repo_id, experiment_id, key)
  );
  CREATE TABLE mlflow_repo_seq (
    repo_id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL
  );
  CREATE TABLE mlflow_runs (
    repo_id INTEGER NOT NULL,
    run_id TEXT NOT NULL,
    experiment_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    start_time INTEGER,
    end_time INTEGER,
    lifecycle_stage TEXT NOT NULL DEFAULT 'active',
    deleted_time INTEGER,
    artifact_uri TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (repo_id, run_id)
  );
  CREATE INDEX mlflow_runs_by_seq ON mlflow_runs (repo_id, seq);
  CREATE INDEX mlflow_runs_by_experiment ON mlflow_runs (repo_id, experiment_id);
  CREATE TABLE mlflow_params (
    repo_id INTEGER NOT NULL,
    run_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (repo_id, run_id, key)
  );
  CREATE TABLE mlflow_tags (
    repo_id INTEGER NOT NULL,
    run_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (repo_id, run_id, key)
  );
  CREATE TABLE mlflow_metrics (
    repo_id INTEGER NOT NULL,
    run_id TEXT NOT NULL,
    key TEXT NOT NULL,
    step INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    value REAL NOT NULL,
    is_nan INTEGER NOT NULL,
    PRIMARY KEY (repo_id, run_id, key, step, timestamp, value, is_nan)
  ) WITHOUT ROWID;
  CREATE TABLE mlflow_latest_metrics (
    repo_id INTEGER NOT NULL,
    run_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value REAL NOT NULL,
    is_nan INTEGER NOT NULL,
    step INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    min REAL,
    max REAL,
    count INTEGER NOT NULL,
    PRIMARY KEY (repo_id, run_id, key)
  );`,
];

/**
 * PostgreSQL starts from SQLite's final schema. Integers that SQLite stores as 64-bit are
 * BIGINT (ids, ms timestamps, steps, sequences); REAL is DOUBLE PRECISION. Keys and names
 * compare byte-wise (COLLATE "C"), as SQLite's default BINARY collation does, so ordering and
 * equality never depend on the database's locale.
 */
const POSTGRES = [
  `CREATE TABLE mlflow_experiments (
    repo_id BIGINT NOT NULL,
    experiment_id BIGINT NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    artifact_location TEXT NOT NULL,
    lifecycle_stage TEXT NOT NULL DEFAULT 'active',
    creation_time BIGINT NOT NULL,
    last_update_time BIGINT NOT NULL,
    PRIMARY KEY (repo_id, experiment_id),
    UNIQUE (repo_id, name)
  );
  CREATE TABLE mlflow_experiment_tags (
    repo_id BIGINT NOT NULL,
    experiment_id BIGINT NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (repo_id, experiment_id, key)
  );
  CREATE TABLE mlflow_repo_seq (
    repo_id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL
  );
  CREATE TABLE mlflow_runs (
    repo_id BIGINT NOT NULL,
    run_id TEXT COLLATE "C" NOT NULL,
    experiment_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    start_time BIGINT,
    end_time BIGINT,
    lifecycle_stage TEXT NOT NULL DEFAULT 'active',
    deleted_time BIGINT,
    artifact_uri TEXT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (repo_id, run_id)
  );
  CREATE INDEX mlflow_runs_by_seq ON mlflow_runs (repo_id, seq);
  CREATE INDEX mlflow_runs_by_experiment ON mlflow_runs (repo_id, experiment_id);
  CREATE TABLE mlflow_params (
    repo_id BIGINT NOT NULL,
    run_id TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (repo_id, run_id, key)
  );
  CREATE TABLE mlflow_tags (
    repo_id BIGINT NOT NULL,
    run_id TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (repo_id, run_id, key)
  );
  CREATE TABLE mlflow_metrics (
    repo_id BIGINT NOT NULL,
    run_id TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    step BIGINT NOT NULL,
    timestamp BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    is_nan INTEGER NOT NULL,
    PRIMARY KEY (repo_id, run_id, key, step, timestamp, value, is_nan)
  );
  CREATE TABLE mlflow_latest_metrics (
    repo_id BIGINT NOT NULL,
    run_id TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    is_nan INTEGER NOT NULL,
    step BIGINT NOT NULL,
    timestamp BIGINT NOT NULL,
    min DOUBLE PRECISION,
    max DOUBLE PRECISION,
    count BIGINT NOT NULL,
    PRIMARY KEY (repo_id, run_id, key)
  );`,
];

export const MLFLOW_MIGRATIONS: Migrations = { sqlite: SQLITE, postgres: POSTGRES };

export function migrateMlflow(sql: SqlDatabase): Promise<void> {
  return migrateSql(sql, 'mlflow', MLFLOW_MIGRATIONS);
}
