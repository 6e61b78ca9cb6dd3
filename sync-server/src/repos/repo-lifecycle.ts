import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { isValidRepoName } from '@cairn/core/names';
import type { ServerContext } from '../context.ts';
import { type Migrations, migrateSql } from '../db/migrate-sql.ts';
import { isUniqueViolation, type SqlDatabase, type SqlQueries } from '../db/sql.ts';
import { sqliteSql } from '../db/sqlite-sql.ts';
import { HttpError } from '../http/http-error.ts';
import { type ArtifactStore, artifactChecksumsRootOf } from '../mlflow/artifact-store.ts';
import { gitDirOf } from './git-dir.ts';
import type { RepoRow } from './store.ts';

/**
 * Deleting, renaming and transferring repositories.
 *
 * Delete takes everything of the repository: its git folder and MLflow artifacts (first moved
 * into `DATA/deleting/`, so the database change below either happens or the folders go back),
 * then in one transaction its row (collaborators, import settings and DVC index rows go with it
 * by foreign key), MLflow runs and experiments, live-notes documents and old names. Object bytes
 * other repositories index stay; bytes now indexed by none are removed by `cairn-server gc`. A
 * repository re-created under the same name (even with the same id, which SQLite may reuse)
 * starts empty.
 *
 * Rename and transfer change the row and keep everything else (git, objects, runs are by id);
 * live-notes documents, stored by `owner/repo/doc`, move with it; the old name is remembered in
 * `repo_redirects` so its URLs redirect, as GitHub does, until a repository takes that name.
 */
const MIGRATIONS: Migrations = {
  sqlite: [
    `CREATE TABLE repo_redirects (
    old_owner TEXT NOT NULL COLLATE NOCASE,
    old_name TEXT NOT NULL COLLATE NOCASE,
    repo_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (old_owner, old_name)
  );`,
  ],
  // `nocase` is made by the accounts migrations (accounts/schema.ts), which run first.
  postgres: [
    `CREATE TABLE repo_redirects (
    old_owner TEXT COLLATE nocase NOT NULL,
    old_name TEXT COLLATE nocase NOT NULL,
    repo_id BIGINT NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (old_owner, old_name)
  );
  CREATE INDEX repo_redirects_repo ON repo_redirects(repo_id);`,
  ],
};

/** Creates or upgrades repo_redirects; after the accounts migrations. */
export function migrateRepoRedirects(sql: SqlDatabase): Promise<void> {
  return migrateSql(sql, 'repo-redirects', MIGRATIONS);
}

/** MLflow's tables: every row carries `repo_id` (mlflow/schema.ts, mlflow/registry/schema.ts). */
const MLFLOW_TABLES = [
  'mlflow_registered_model_aliases',
  'mlflow_model_version_tags',
  'mlflow_model_versions',
  'mlflow_registered_model_tags',
  'mlflow_registered_models',
  'mlflow_latest_metrics',
  'mlflow_metrics',
  'mlflow_tags',
  'mlflow_params',
  'mlflow_runs',
  'mlflow_repo_seq',
  'mlflow_experiment_tags',
  'mlflow_experiments',
];
/** Live-notes tables, keyed by `owner/repo/doc` (yjs/store.ts). */
const YJS_TABLES = ['yjs_updates', 'yjs_removed'];

const tableExists = async (q: SqlQueries, name: string) =>
  (await q.get(
    q.dialect === 'postgres'
      ? 'SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?'
      : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
    [name],
  )) !== undefined;

/** Escapes LIKE's wildcards in a literal prefix. */
const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;

const sqliteOfDb = new WeakMap<object, SqlDatabase>();
/**
 * Where the stores not yet on `ctx.sql` keep their rows (MLflow, live notes): with PostgreSQL
 * they are still in the SQLite file (`ctx.db`), so a delete or rename must reach them there too.
 * null when `ctx.sql` is that same SQLite connection.
 */
function legacyTables(ctx: ServerContext): SqlDatabase | null {
  if (ctx.sql.dialect === 'sqlite') return null;
  let sql = sqliteOfDb.get(ctx.db);
  if (!sql) {
    sql = sqliteSql(ctx.db);
    sqliteOfDb.set(ctx.db, sql);
  }
  return sql;
}

/** Deletes the repository's rows of MLflow and live notes from the tables `q` has. */
async function deleteFeatureRows(q: SqlQueries, repo: RepoRow): Promise<void> {
  for (const t of MLFLOW_TABLES)
    if (await tableExists(q, t)) await q.run(`DELETE FROM ${t} WHERE repo_id = ?`, [repo.id]);
  for (const t of YJS_TABLES) {
    if (await tableExists(q, t)) {
      await q.run(`DELETE FROM ${t} WHERE doc LIKE ? ESCAPE '\\'`, [likePrefix(`${repo.owner}/${repo.name}`)]);
    }
  }
}

/** Moves the repository's live-notes documents to its new name in the tables `q` has. */
async function renameFeatureRows(q: SqlQueries, repo: RepoRow, to: { owner: string; name: string }): Promise<void> {
  const oldPrefix = `${repo.owner}/${repo.name}/`;
  for (const t of YJS_TABLES) {
    if (!(await tableExists(q, t))) continue;
    await q.run(`UPDATE ${t} SET doc = ? || substr(doc, ?) WHERE doc LIKE ? ESCAPE '\\'`, [
      `${to.owner}/${to.name}/`,
      oldPrefix.length + 1,
      likePrefix(`${repo.owner}/${repo.name}`),
    ]);
  }
}

export async function deleteRepository(ctx: ServerContext, repo: RepoRow, artifacts?: ArtifactStore): Promise<void> {
  const dataDir = ctx.config.dataDir;
  const trash = path.join(dataDir, 'deleting', `${repo.id}-${randomBytes(6).toString('hex')}`);
  await fsp.mkdir(trash, { recursive: true });
  const moved: Array<[string, string]> = [];
  for (const [from, name] of [
    [gitDirOf(dataDir, repo.id), 'git'],
    [path.join(dataDir, 'mlflow-artifacts', String(repo.id)), 'artifacts'],
    [path.join(artifactChecksumsRootOf(dataDir), String(repo.id)), 'artifact-checksums'],
  ] as const) {
    if (!fs.existsSync(from)) continue;
    await fsp.rename(from, path.join(trash, name));
    moved.push([from, path.join(trash, name)]);
  }
  try {
    await ctx.sql.transaction(async (tx) => {
      await deleteFeatureRows(tx, repo);
      await tx.run('DELETE FROM repositories WHERE id = ?', [repo.id]);
    });
  } catch (err) {
    for (const [from, to] of moved.reverse()) await fsp.rename(to, from);
    throw err;
  }
  // The repository is gone; rows of stores still in SQLite go after it (a repository made
  // again under this name later starts empty either way: its documents are looked up by name).
  const legacy = legacyTables(ctx);
  if (legacy) await legacy.transaction((tx) => deleteFeatureRows(tx, repo));
  await fsp.rm(trash, { recursive: true, force: true });
  // Artifacts in a bucket (CAIRN_BLOBS) go last: a failure leaves orphans for fsck to list, never
  // a repository without its files. (On disk they were in the folders moved above.)
  await artifacts?.removeRepo(repo.id);
}

/** Renames `repo` to `newName` and/or moves it to `newOwnerId`; records the old name for redirects. */
export async function renameRepository(
  ctx: ServerContext,
  repo: RepoRow,
  to: { ownerId: number; owner: string; name: string },
): Promise<void> {
  if (!isValidRepoName(to.name)) {
    throw new HttpError(
      'invalid_name',
      400,
      `The repository name ${JSON.stringify(to.name.slice(0, 80))} is not allowed.`,
    );
  }
  const taken = () => new HttpError('name_taken', 409, `${to.owner} already has a repository named ${to.name}.`);
  await ctx.sql
    .transaction(async (tx) => {
      const other = await tx.get<{ id: number }>('SELECT id FROM repositories WHERE owner_id = ? AND name = ?', [
        to.ownerId,
        to.name,
      ]);
      if (other && other.id !== repo.id) throw taken();
      await tx.run('UPDATE repositories SET owner_id = ?, name = ? WHERE id = ?', [to.ownerId, to.name, repo.id]);
      // The new name is a real repository now: no redirect may shadow it.
      await tx.run('DELETE FROM repo_redirects WHERE old_owner = ? AND old_name = ?', [to.owner, to.name]);
      await tx.run(
        `INSERT INTO repo_redirects (old_owner, old_name, repo_id, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (old_owner, old_name) DO UPDATE SET repo_id = excluded.repo_id, created_at = excluded.created_at`,
        [repo.owner, repo.name, repo.id, Date.now()],
      );
      await renameFeatureRows(tx, repo, to);
    })
    .catch((err: unknown) => {
      // Another request took the name between the check and the update.
      throw isUniqueViolation(err) ? taken() : err;
    });
  const legacy = legacyTables(ctx);
  if (legacy) await legacy.transaction((tx) => renameFeatureRows(tx, repo, to));
}

/** The repository id an old `owner/name` now redirects to, if any. */
export async function redirectOf(sql: SqlDatabase, owner: string, name: string): Promise<number | null> {
  const row = await sql.get<{ repo_id: number }>(
    'SELECT repo_id FROM repo_redirects WHERE old_owner = ? AND old_name = ?',
    [owner, name],
  );
  return row ? row.repo_id : null;
}
