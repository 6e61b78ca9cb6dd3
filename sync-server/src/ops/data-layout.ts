import fs from 'node:fs';
import path from 'node:path';
import type { HashAlgorithm } from '@cairn/core';
import { CairnError } from '@cairn/core/errors';
import Database from 'better-sqlite3';
import { blobStoreMarkerOf, describeBlobMarker } from '../blobs/blob-store-marker.ts';
import type { Db } from '../db/database.ts';
import { databaseMarkerOf, describeDatabaseMarker } from '../db/database-marker.ts';
import { gitDirOf, gitRoot } from '../repos/git-dir.ts';

/**
 * Where a data folder (`CAIRN_DATA`) keeps each kind of state, as the server writes it, for the
 * operator commands (fsck, gc, backup) that read it from outside the server process. The paths
 * mirror blobs/shared-store.ts, repos/git-dir.ts and mlflow/artifact-store.ts; `data-layout.test`
 * style drift is caught by the ops integration tests, which run against a real server's folder.
 */
export interface BlobArea {
  /** `md5` (DVC 3 and MLflow-free md5 objects) or `md5-dos2unix` (DVC 2 legacy uploads). */
  algorithm: HashAlgorithm;
  /** Folder with `ab/cdef…` files. */
  root: string;
  /** Prefix of this area's keys in the `dvc_objects` index ('' or 'dvc2/'). */
  indexPrefix: '' | 'dvc2/';
}

export function dbFileOf(dataDir: string): string {
  return path.join(dataDir, 'cairn.db');
}

export function blobAreasOf(dataDir: string): BlobArea[] {
  return [
    { algorithm: 'md5', root: path.join(dataDir, 'blobs', 'md5'), indexPrefix: '' },
    { algorithm: 'md5-dos2unix', root: path.join(dataDir, 'blobs', 'md5-dos2unix'), indexPrefix: 'dvc2/' },
  ];
}

export function artifactsRootOf(dataDir: string): string {
  return path.join(dataDir, 'mlflow-artifacts');
}

/**
 * gc and backup read DVC objects as files under `DATA/blobs/`. A data folder whose server
 * keeps them in S3 (CAIRN_BLOBS=s3://…) is refused with what to do instead (fsck checks the
 * bucket when CAIRN_BLOBS is set; so does gc, through gc-s3.ts).
 */
export function assertDiskBlobStore(dataDir: string, command: string): void {
  const marker = blobStoreMarkerOf(dataDir);
  if (!fs.existsSync(marker)) return;
  const where = describeBlobMarker(marker);
  throw new OpsUsageError(
    `${command} works on the disk blob store only, and this data folder's DVC objects are in ${where} (CAIRN_BLOBS; see ${marker}). ` +
      "Use the bucket's own versioning or replication for copies; `cairn-server fsck` and `gc` work on the bucket when CAIRN_BLOBS (and CAIRN_S3_ENDPOINT, AWS_*) are set as for the server.",
  );
}

/**
 * fsck, gc and backup read the tables from `DATA/cairn.db`. A data folder whose server keeps
 * them in PostgreSQL (CAIRN_DATABASE_URL) is refused: its SQLite file holds no repositories, so
 * gc would take every object for unreferenced.
 */
export function assertSqliteDatabase(dataDir: string, command: string): void {
  const marker = databaseMarkerOf(dataDir);
  if (!fs.existsSync(marker)) return;
  const where = describeDatabaseMarker(marker);
  throw new OpsUsageError(
    `${command} reads the SQLite database of the data folder, and this data folder's tables are in ${where} (CAIRN_DATABASE_URL; see ${marker}). ` +
      "Use PostgreSQL's own tools (pg_dump, pg_basebackup) for copies; `cairn-server fsck` checks it when CAIRN_DATABASE_URL is set as for the server, and so does `gc` when the objects are in S3 too (CAIRN_BLOBS); gc of a disk store and backup on PostgreSQL are not built yet.",
  );
}

/** Where `fsck --repair` and `gc` move objects they take out of service (never deleted by fsck). */
export function quarantineRootOf(dataDir: string): string {
  return path.join(dataDir, 'quarantine');
}

export { gitDirOf, gitRoot };

/**
 * Opens the data folder's database for an operator command, without creating one: a command
 * pointed at the wrong folder must say so rather than make an empty database there.
 */
export function openDataDb(dataDir: string, opts: { readonly?: boolean } = {}): Db {
  const file = dbFileOf(dataDir);
  if (!fs.existsSync(file)) throw new OpsUsageError(`${dataDir} is not a Cairn data folder: ${file} does not exist`);
  const db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: true });
  // The server may be running on the same folder: wait for its writes rather than fail.
  db.pragma('busy_timeout = 10000');
  return db;
}

/** A repository as the operator commands see it. */
export interface RepoRow {
  id: number;
  /** `owner/name`, for reports. */
  fullName: string;
}

export function listRepos(db: Db): RepoRow[] {
  return (
    db
      .prepare(
        "SELECT r.id AS id, u.username || '/' || r.name AS fullName FROM repositories r JOIN users u ON u.id = r.owner_id ORDER BY r.id",
      )
      .all() as RepoRow[]
  ).map((r) => ({ id: Number(r.id), fullName: String(r.fullName) }));
}

/** One row of the DVC object index: repository `repoId`'s remote holds `key` (oid, `dvc2/` for legacy). */
export interface IndexRow {
  repoId: number;
  key: string;
  size: number;
  createdAt: number;
}

export function listIndex(db: Db): IndexRow[] {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'dvc_objects'").get();
  if (!hasTable) return [];
  return (
    db
      .prepare('SELECT repo_id AS repoId, oid AS key, size, created_at AS createdAt FROM dvc_objects')
      .all() as IndexRow[]
  ).map((r) => ({
    repoId: Number(r.repoId),
    key: String(r.key),
    size: Number(r.size),
    createdAt: Number(r.createdAt),
  }));
}

/** Splits an index key into its blob area prefix and its oid (`md5` or `md5.dir`). */
export function splitIndexKey(key: string): { indexPrefix: '' | 'dvc2/'; oid: string; md5: string; isDir: boolean } {
  const legacy = key.startsWith('dvc2/');
  const oid = legacy ? key.slice(5) : key;
  const isDir = oid.endsWith('.dir');
  return { indexPrefix: legacy ? 'dvc2/' : '', oid, md5: isDir ? oid.slice(0, -4) : oid, isDir };
}

/** Thrown for a bad command line or data folder: exit code 2, nothing checked. */
export class OpsUsageError extends CairnError<'ops_usage'> {
  constructor(message: string) {
    super('ops_usage', message);
    this.name = 'OpsUsageError';
  }
}
