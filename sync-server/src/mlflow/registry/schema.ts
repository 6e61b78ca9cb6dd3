import { type Db, migrate } from '../../db/database.ts';

/**
 * The MLflow Model Registry tables (feature `mlflow-registry`, migrated on its own). Every row
 * carries `repo_id`: each repository has its own registry namespace, as it has its own runs.
 * Versions are numbered per model from `next_version`, which never goes back, so a deleted
 * version's number is never reused (as in MLflow). A rename rewrites `name` in every table in
 * one transaction.
 */
const MIGRATIONS = [
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

export function migrateRegistry(db: Db): void {
  migrate(db, 'mlflow-registry', MIGRATIONS);
}
