import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runGit } from '../git/run-git.ts';
import { artifactChecksumsRootOf } from '../mlflow/artifact-store.ts';
import { copyTree, isEmptyOrAbsent } from './copy-tree.ts';
import { artifactsRootOf, dbFileOf, gitDirOf, listRepos, OpsUsageError, openDataDb } from './data-layout.ts';

/**
 * `cairn-server backup DIR` and `cairn-server restore DIR`: a whole data folder, taken while the
 * server runs, put back into an empty folder.
 *
 * Order makes the copy consistent: the database first, through SQLite's online backup API (a
 * snapshot of one instant, runs, notes and all); then each git repository — refs and reflogs
 * before objects, so every commit the copied refs name is copied, checked with
 * `git fsck --connectivity-only` and taken again if a push or auto-gc moved objects meanwhile;
 * then DVC objects (written before their index rows, so every row of the snapshot finds its
 * object) and MLflow artifacts. `cairn-backup.json` is written last: a backup without it is
 * incomplete, and restore refuses it. Do not run `gc` during a backup.
 */
export const BACKUP_MANIFEST = 'cairn-backup.json';
const FORMAT = 1;

export interface BackupReport {
  dir: string;
  format: number;
  takenAt: string;
  repositories: number;
  files: number;
  bytes: number;
}

export async function backup(dataDir: string, dir: string, now = new Date()): Promise<BackupReport> {
  if (!(await isEmptyOrAbsent(dir))) throw new OpsUsageError(`backup folder ${dir} is not empty`);
  await fsp.mkdir(dir, { recursive: true });
  const db = openDataDb(dataDir, { readonly: true });
  let files = 0;
  let bytes = 0;
  let repositories = 0;
  try {
    await db.backup(dbFileOf(dir));
    files++;
    bytes += (await fsp.stat(dbFileOf(dir))).size;
    for (const repo of listRepos(db)) {
      const copied = await backupRepo(gitDirOf(dataDir, repo.id), gitDirOf(dir, repo.id));
      files += copied.files;
      bytes += copied.bytes;
      repositories++;
    }
  } finally {
    db.close();
  }
  const artifacts = [artifactsRootOf(dataDir), artifactChecksumsRootOf(dataDir)].map((d) => path.relative(dataDir, d));
  for (const sub of ['blobs', ...artifacts]) {
    const copied = await copyTree(path.join(dataDir, sub), path.join(dir, sub));
    files += copied.files;
    bytes += copied.bytes;
  }
  const report: BackupReport = { dir, format: FORMAT, takenAt: now.toISOString(), repositories, files, bytes };
  await writeDurably(path.join(dir, BACKUP_MANIFEST), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** One bare repository: refs, reflogs and config first, then objects; verified, retried. */
async function backupRepo(src: string, dest: string): Promise<{ files: number; bytes: number }> {
  for (let attempt = 1; ; attempt++) {
    await fsp.rm(dest, { recursive: true, force: true });
    await fsp.mkdir(dest, { recursive: true });
    let files = 0;
    let bytes = 0;
    for (const name of ['HEAD', 'config', 'packed-refs', 'description']) {
      if (!fs.existsSync(path.join(src, name))) continue;
      await fsp.copyFile(path.join(src, name), path.join(dest, name));
      files++;
    }
    for (const sub of ['refs', 'logs', 'info', 'hooks', 'objects']) {
      const c = await copyTree(
        path.join(src, sub),
        path.join(dest, sub),
        (n) => n.endsWith('.lock') || n.startsWith('tmp_'),
      );
      files += c.files;
      bytes += c.bytes;
    }
    try {
      await runGit(['fsck', '--connectivity-only', '--no-progress', '--no-dangling'], { cwd: dest });
      return { files, bytes };
    } catch (err) {
      if (attempt >= 3) throw new Error(`could not take a consistent copy of ${src}: ${(err as Error).message}`);
    }
  }
}

export interface RestoreReport {
  dataDir: string;
  from: BackupReport;
  files: number;
  bytes: number;
}

/** Restores a complete backup into `dataDir`, which must be empty or absent. */
export async function restore(dir: string, dataDir: string): Promise<RestoreReport> {
  const manifestFile = path.join(dir, BACKUP_MANIFEST);
  if (!fs.existsSync(manifestFile)) {
    throw new OpsUsageError(`${dir} is not a complete Cairn backup: ${BACKUP_MANIFEST} is missing`);
  }
  const from = JSON.parse(await fsp.readFile(manifestFile, 'utf8')) as BackupReport;
  if (from.format !== FORMAT)
    throw new OpsUsageError(`backup format ${from.format} is not supported (this is ${FORMAT})`);
  if (!(await isEmptyOrAbsent(dataDir)))
    throw new OpsUsageError(`data folder ${dataDir} is not empty: restore only into an empty one`);
  const check = new Database(dbFileOf(dir), { readonly: true, fileMustExist: true });
  try {
    const result = check.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new Error(`the backup's database is damaged: ${String(result)}`);
  } finally {
    check.close();
  }
  // Into a sibling folder, renamed into place at the end: a restore cut short leaves no half data folder.
  const staging = `${path.resolve(dataDir)}.restoring-${process.pid}`;
  await fsp.rm(staging, { recursive: true, force: true });
  const copied = await copyTree(dir, staging, (n) => n === BACKUP_MANIFEST);
  if (copied.vanished.length > 0)
    throw new Error(`files vanished from the backup while restoring: ${copied.vanished.join(', ')}`);
  // Empty or absent (checked above); rmdir refuses to remove a folder that filled up meanwhile.
  await fsp.rmdir(dataDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await fsp.rename(staging, dataDir);
  return { dataDir, from, files: copied.files, bytes: copied.bytes };
}

async function writeDurably(file: string, text: string): Promise<void> {
  const temp = `${file}.partial`;
  await fsp.writeFile(temp, text);
  const h = await fsp.open(temp, 'r+');
  await h.sync();
  await h.close();
  await fsp.rename(temp, file);
}
