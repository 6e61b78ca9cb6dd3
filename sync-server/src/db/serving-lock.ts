import fs from 'node:fs';
import path from 'node:path';
import { CairnError } from '@cairn/core/errors';
import Database from 'better-sqlite3';

/**
 * `DATA/serving.lock`: tells whether a server is serving a data folder, for `cairn-server
 * migrate`, which must not copy tables while a server still writes them (rows written after
 * their table was copied would be lost).
 *
 * The file is an empty SQLite database used only for its file lock: every server process holds
 * a SHARED lock on it (an open read transaction) while it runs — any number of processes at once,
 * as several processes may serve one folder — and migrate takes the EXCLUSIVE lock for as long as
 * it copies, which it gets only when no server holds the shared one. These are the kernel's
 * locks (fcntl), released when a process ends however it ends: a server killed with -9 leaves no
 * stale "running" state to clean up, which a pid file would, and a pid recycled by another program
 * cannot be taken for a server. SQLite keeps its lock states right between connections of one
 * process too. (The data folder's cairn.db cannot tell: in WAL mode an idle connection holds no
 * lock a writer would see.) On a network file system this is as good as its fcntl locking.
 */
export function servingLockOf(dataDir: string): string {
  return path.join(dataDir, 'serving.lock');
}

export interface FolderLock {
  release(): void;
}

/** The server could not start: `cairn-server migrate` is copying this data folder. */
export class DataFolderMigratingError extends CairnError<'data_folder_migrating', { dataDir: string }> {
  constructor(dataDir: string) {
    super(
      'data_folder_migrating',
      `cairn-server migrate is copying ${dataDir} to PostgreSQL + S3 right now (it holds ${servingLockOf(dataDir)}). ` +
        'Start the server once it has finished, with CAIRN_DATABASE_URL and CAIRN_BLOBS set to where it copied the data.',
      { dataDir },
    );
    this.name = 'DataFolderMigratingError';
  }
}

/** Taken by every server process at start, released when it stops. */
export function holdServingLock(dataDir: string): FolderLock {
  // Waits out the instant in which a migrate that is being refused tries for the exclusive lock.
  const db = openLockFile(dataDir, 2000);
  try {
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    db.close();
    if (isBusy(err)) throw new DataFolderMigratingError(dataDir);
    throw err;
  }
  return { release: () => db.close() };
}

/** Taken by `cairn-server migrate` for as long as it copies; null while any server holds the folder. */
export function takeExclusiveLock(dataDir: string): FolderLock | null {
  const db = openLockFile(dataDir, 0);
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if (isBusy(err)) return null;
    throw err;
  }
  return { release: () => db.close() };
}

function openLockFile(dataDir: string, timeoutMs: number): Database.Database {
  fs.mkdirSync(dataDir, { recursive: true });
  return new Database(servingLockOf(dataDir), { timeout: timeoutMs });
}

function isBusy(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_BUSY';
}
