import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { isValidRepoName } from '@cairn/core/names';
import { type Db, migrate } from '../db/database.ts';
import { HttpError } from '../http/http-error.ts';
import { artifactChecksumsRootOf } from '../mlflow/artifact-store.ts';
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
const MIGRATIONS = [
  `CREATE TABLE repo_redirects (
    old_owner TEXT NOT NULL COLLATE NOCASE,
    old_name TEXT NOT NULL COLLATE NOCASE,
    repo_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (old_owner, old_name)
  );`,
];

export function migrateRepoRedirects(db: Db): void {
  migrate(db, 'repo-redirects', MIGRATIONS);
}

/** MLflow's tables: every row carries `repo_id` (mlflow/schema.ts). */
const MLFLOW_TABLES = [
  'mlflow_latest_metrics',
  'mlflow_metrics',
  'mlflow_tags',
  'mlflow_params',
  'mlflow_runs',
  'mlflow_repo_seq',
  'mlflow_experiment_tags',
  'mlflow_experiments',
];

const tableExists = (db: Db, name: string) =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

/** Escapes LIKE's wildcards in a literal prefix. */
const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;

export async function deleteRepository(db: Db, dataDir: string, repo: RepoRow): Promise<void> {
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
    db.transaction(() => {
      for (const t of MLFLOW_TABLES)
        if (tableExists(db, t)) db.prepare(`DELETE FROM ${t} WHERE repo_id = ?`).run(repo.id);
      for (const t of ['yjs_updates', 'yjs_removed']) {
        if (tableExists(db, t)) {
          db.prepare(`DELETE FROM ${t} WHERE doc LIKE ? ESCAPE '\\'`).run(likePrefix(`${repo.owner}/${repo.name}`));
        }
      }
      db.prepare('DELETE FROM repositories WHERE id = ?').run(repo.id);
    })();
  } catch (err) {
    for (const [from, to] of moved.reverse()) await fsp.rename(to, from);
    throw err;
  }
  await fsp.rm(trash, { recursive: true, force: true });
}

/** Renames `repo` to `newName` and/or moves it to `newOwnerId`; records the old name for redirects. */
export function renameRepository(db: Db, repo: RepoRow, to: { ownerId: number; owner: string; name: string }): void {
  migrateRepoRedirects(db);
  if (!isValidRepoName(to.name)) {
    throw new HttpError(
      'invalid_name',
      400,
      `The repository name ${JSON.stringify(to.name.slice(0, 80))} is not allowed.`,
    );
  }
  db.transaction(() => {
    const taken = db.prepare('SELECT id FROM repositories WHERE owner_id = ? AND name = ?').get(to.ownerId, to.name) as
      | { id: number }
      | undefined;
    if (taken && taken.id !== repo.id) {
      throw new HttpError('name_taken', 409, `${to.owner} already has a repository named ${to.name}.`);
    }
    db.prepare('UPDATE repositories SET owner_id = ?, name = ? WHERE id = ?').run(to.ownerId, to.name, repo.id);
    // The new name is a real repository now: no redirect may shadow it.
    db.prepare('DELETE FROM repo_redirects WHERE old_owner = ? AND old_name = ?').run(to.owner, to.name);
    db.prepare(
      'INSERT OR REPLACE INTO repo_redirects (old_owner, old_name, repo_id, created_at) VALUES (?, ?, ?, ?)',
    ).run(repo.owner, repo.name, repo.id, Date.now());
    const oldPrefix = `${repo.owner}/${repo.name}/`;
    for (const t of ['yjs_updates', 'yjs_removed']) {
      if (!tableExists(db, t)) continue;
      db.prepare(`UPDATE ${t} SET doc = ? || substr(doc, ?) WHERE doc LIKE ? ESCAPE '\\'`).run(
        `${to.owner}/${to.name}/`,
        oldPrefix.length + 1,
        likePrefix(`${repo.owner}/${repo.name}`),
      );
    }
  })();
}

/** The repository id an old `owner/name` now redirects to, if any. */
export function redirectOf(db: Db, owner: string, name: string): number | null {
  const row = db.prepare('SELECT repo_id FROM repo_redirects WHERE old_owner = ? AND old_name = ?').get(owner, name) as
    | { repo_id: number }
    | undefined;
  return row ? row.repo_id : null;
}
