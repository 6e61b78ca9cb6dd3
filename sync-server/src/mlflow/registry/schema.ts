import { type Migrations, migrateSql } from '../../db/migrate-sql.ts';
import type { SqlDatabase } from '../../db/sql.ts';

/**
 * The MLflow Model Registry tables (feature `mlflow-registry`, migrated on its own). Every row
 * carries `repo_id`: each repository has its own registry namespace, as it has its own runs.
 * Versions are numbered per model from `next_version`, which never goes back, so a deleted
 * version's number is never reused (as in MLflow). A rename rewrites `name` in every table in
 * one transaction.
 */
const SQLITE = [
  `CREATE TABLE mlflow_registered_models (
    repo_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    creation_time INTEGER NOT NULL,
    last_updated_time INTEGER NOT NULL,
    next_version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (repo_id, name)
  );
  CREATE TABLE mlflow_registered_model_tags (
    repo_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (repo_id, name, key)
  );
  CREATE TABLE mlflow_model_versions (
    repo_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    creation_time INTEGER NOT NULL,
    last_updated_time INTEGER NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    user_id TEXT NOT NULL DEFAULT '',
    current_stage TEXT NOT NULL DEFAULT 'None',
    source TEXT NOT NULL,
    storage_location TEXT NOT NULL,
    run_id TEXT NOT NULL DEFAULT '',
    run_link TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (repo_id, name, version)
  );
  CREATE INDEX mlflow_model_versions_by_run ON mlflow_model_versions (repo_id, run_id);
  CREATE TABLE mlflow_model_version_tags (
    repo_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (repo_id, name, version, key)
  );
  CREATE TABLE mlflow_registered_model_aliases (
    repo_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    alias TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (repo_id, name, alias)
  );`,
];

/** PostgreSQL starts from SQLite's final schema (BIGINT times, byte-wise names as in mlflow/schema.ts). */
const POSTGRES = [
  `CREATE TABLE mlflow_registered_models (
    repo_id BIGINT NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    creation_time BIGINT NOT NULL,
    last_updated_time BIGINT NOT NULL,
    next_version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (repo_id, name)
  );
  CREATE TABLE mlflow_registered_model_tags (
    repo_id BIGINT NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (repo_id, name, key)
  );
  CREATE TABLE mlflow_model_versions (
    repo_id BIGINT NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    version INTEGER NOT NULL,
    creation_time BIGINT NOT NULL,
    last_updated_time BIGINT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    user_id TEXT NOT NULL DEFAULT '',
    current_stage TEXT NOT NULL DEFAULT 'None',
    source TEXT NOT NULL,
    storage_location TEXT NOT NULL,
    run_id TEXT COLLATE "C" NOT NULL DEFAULT '',
    run_link TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (repo_id, name, version)
  );
  CREATE INDEX mlflow_model_versions_by_run ON mlflow_model_versions (repo_id, run_id);
  CREATE TABLE mlflow_model_version_tags (
    repo_id BIGINT NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    version INTEGER NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (repo_id, name, version, key)
  );
  CREATE TABLE mlflow_registered_model_aliases (
    repo_id BIGINT NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    alias TEXT COLLATE "C" NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (repo_id, name, alias)
  );`,
];

export const REGISTRY_MIGRATIONS: Migrations = { sqlite: SQLITE, postgres: POSTGRES };

export function migrateRegistry(sql: SqlDatabase): Promise<void> {
  return migrateSql(sql, 'mlflow-registry', REGISTRY_MIGRATIONS);
}
