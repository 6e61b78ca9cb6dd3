/**
 * Repositories kept on this device: the registry (Dexie `repos` table, with sync state) and
 * each repository's git working tree in its own lightning-fs (IndexedDB) database.
 *
 * `openRepo(owner, repo)` is how every view reaches a repository's files:
 *
 *   const handle = await openRepo('demo', 'segmentation');
 *   if (handle) await git.log({ fs: handle.fs, dir: handle.dir });
 *
 * lightning-fs saves its directory tree 500 ms after the last write; `handle.flush()` must be
 * awaited before telling the user anything is saved (RELIABILITY B5, F8).
 */
import FS from '@isomorphic-git/lightning-fs';
import { BatchedFileStore } from './batched-file-store.ts';
import { getDb, type RepoRow } from './db.ts';
import { guardQuota } from './errors.ts';
import { StoredPacks } from './git-packs.ts';
import { packedFs } from './packed-fs.ts';
import { assertRepoName, repoId } from './repo-names.ts';

export type { RepoRow, SyncState } from './db.ts';

/** The working tree's root inside each repository's file system. */
export const REPO_DIR = '/';

export interface RepoHandle {
  owner: string;
  repo: string;
  /** `owner/repo` */
  id: string;
  /** Pass as isomorphic-git's `fs` (it has `.promises`). */
  fs: FS;
  /** The promise API of the same file system, for direct reads and writes. */
  pfs: FS.PromisifiedFS;
  dir: string;
  /** The registry row as it was when opened (re-read with `getRepoRow` for live state). */
  row: RepoRow;
  /** Writes lightning-fs's directory tree now; await it before saying "saved". */
  flush(): Promise<void>;
}

const filesystems = new Map<string, FS>();

/** One lightning-fs instance per database name per tab: they share its mutex and cache. */
function fileSystem(fsName: string): FS {
  let fs = filesystems.get(fsName);
  if (!fs) {
    // Packs a clone streamed into OPFS are served at their paths (packed-fs.ts); file writes
    // made together commit together (batched-file-store.ts).
    fs = packedFs(new FS(fsName, { db: new BatchedFileStore(fsName, `${fsName}_files`) }), fsName);
    filesystems.set(fsName, fs);
  }
  return fs;
}

function fsNameOf(owner: string, repo: string): string {
  return `cairn-repo:${owner}/${repo}`;
}

function handleOf(row: RepoRow): RepoHandle {
  const fs = fileSystem(row.fsName);
  return {
    owner: row.owner,
    repo: row.repo,
    id: row.id,
    fs,
    pfs: fs.promises,
    dir: REPO_DIR,
    row,
    flush: () => guardQuota(`the files of ${row.id}`, () => fs.promises.flush()),
  };
}

/** The repositories on this device, sorted by id. */
export async function listLocalRepos(): Promise<RepoRow[]> {
  return getDb().repos.orderBy('id').toArray();
}

export async function getRepoRow(owner: string, repo: string): Promise<RepoRow | null> {
  return (await getDb().repos.get(repoId(owner, repo))) ?? null;
}

/** A repository kept on this device, or null when it is not here (yet). */
export async function openRepo(owner: string, repo: string): Promise<RepoHandle | null> {
  const row = await getRepoRow(owner, repo);
  return row ? handleOf(row) : null;
}

/**
 * Registers a repository on this device and returns its (empty) file system. The caller fills
 * it (git init or clone) and then marks it ready with `updateRepo`.
 */
export async function registerRepo(
  owner: string,
  repo: string,
  server: string | null,
  opts: { cloning?: boolean } = {},
): Promise<RepoHandle> {
  assertRepoName(owner);
  assertRepoName(repo);
  const row: RepoRow = {
    id: repoId(owner, repo),
    owner,
    repo,
    fsName: fsNameOf(owner, repo),
    server,
    createdAt: Date.now(),
    syncState: server ? 'syncing' : 'local-only',
    syncMessage: null,
    lastSyncedAt: null,
    pending: false,
    onServerSince: null,
    serverLoss: null,
    ...(opts.cloning ? { cloning: true } : {}),
  };
  await guardQuota(`the repository ${row.id}`, () => getDb().repos.add(row));
  return handleOf(row);
}

export async function updateRepo(id: string, patch: Partial<Omit<RepoRow, 'id'>>): Promise<void> {
  await guardQuota(`the state of ${id}`, () => getDb().repos.update(id, patch));
  globalThis.dispatchEvent?.(new CustomEvent('cairn:repos-changed', { detail: id }));
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    // Another tab still holds it open: it is deleted as soon as that tab lets go.
    request.onblocked = () => resolve();
  });
}

/** Deletes this device's copy of a repository (its git files; shared data objects stay cached). */
export async function deleteLocalRepo(owner: string, repo: string): Promise<void> {
  const row = await getRepoRow(owner, repo);
  if (!row) return;
  await getDb().repos.delete(row.id);
  const fs = filesystems.get(row.fsName);
  filesystems.delete(row.fsName);
  if (fs) {
    // Let lightning-fs finish and close its connection before the database goes.
    await fs.promises.flush().catch(() => {});
    await (fs.promises as unknown as { _deactivate?: () => Promise<void> })._deactivate?.().catch(() => {});
  }
  await deleteDatabase(row.fsName);
  await deleteDatabase(`${row.fsName}_lock`);
  await new StoredPacks(row.fsName).removeAll();
  globalThis.dispatchEvent?.(new CustomEvent('cairn:repos-changed', { detail: row.id }));
}

/** Bytes a repository's git files take on this device. */
export async function repoUsage(handle: RepoHandle): Promise<number> {
  const [files, packs] = await Promise.all([handle.pfs.du(handle.dir), new StoredPacks(handle.row.fsName).bytes()]);
  return files + packs;
}
