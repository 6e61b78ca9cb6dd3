/**
 * A repository's whole copy on this device — git files, the data only it uses, its experiments,
 * its live notes — as one thing to check, remove or move:
 *
 * - `unsyncedWork` lists what only this device holds (commits not pushed, data the server does
 *   not have, notes with edits not yet sent), so removal is confirmed with those named;
 * - `removeDeviceCopy` takes all of it away (data other repositories use stays);
 * - `moveDeviceCopy` follows a rename or transfer on the server: the registry row, the cached
 *   experiments and the live notes move to the new name; git files stay in their database.
 */
import { loadGit } from '../git/load-git.ts';
import { clearPending, markPending, pendingNotes } from '../notes/pending-notes.ts';
import type { ObjectId } from '../storage/blob-store.ts';
import { getBlobStore } from '../storage/blobs.ts';
import { getDb, type RepoRow } from '../storage/db.ts';
import { deleteLocalRepo, getRepoRow, listLocalRepos, openRepo } from '../storage/repo-handle.ts';
import { repoId } from '../storage/repo-names.ts';
import { cachedObjectsOf, dataObjectsOf, NOTE_DB_PREFIX, noteDatabasesOf } from './device-scan.ts';
import { type KeptObject, planDrop } from './drop-plan.ts';
import { planFreeing } from './free-space.ts';

export interface UnsyncedWork {
  /** True for a repository that has no server: all of it exists only here. */
  localOnly: boolean;
  /** The server no longer has it (deleted, renamed, no longer shared): this may be the last copy. */
  goneFromServer?: boolean;
  /** Commits on the current branch that the server's copy (as last fetched) lacks. */
  unpushedCommits: boolean;
  /** Data objects the server did not confirm (all of them when it could not be asked). */
  onlyHere: KeptObject[];
  /** The server could not be asked about data; `onlyHere` then lists every cached object. */
  serverUnreachable: boolean;
  /** Notes (document names) with edits not yet sent. */
  pendingNotes: string[];
}

async function hasUnpushed(row: RepoRow): Promise<boolean> {
  const handle = await openRepo(row.owner, row.repo);
  if (!handle) return false;
  const { git } = await loadGit();
  const head = await git.resolveRef({ fs: handle.fs, dir: handle.dir, ref: 'HEAD' }).catch(() => null);
  if (!head) return false;
  if (!row.server) return true;
  const { hasUnpushedCommits } = await import('../git/remote-sync.ts');
  return hasUnpushedCommits(handle).catch(() => true);
}

export async function unsyncedWork(row: RepoRow): Promise<UnsyncedWork> {
  const notes = pendingNotes()
    .filter((k) => k.startsWith(`${row.id}/`))
    .map((k) => k.slice(row.id.length + 1));
  const unpushedCommits = await hasUnpushed(row);
  let onlyHere: KeptObject[];
  let serverUnreachable = false;
  try {
    onlyHere = (await planFreeing(row)).onlyHere;
  } catch {
    serverUnreachable = true;
    onlyHere = planDrop(await cachedObjectsOf(await dataObjectsOf(row)), new Set()).onlyHere;
  }
  return {
    localOnly: !row.server,
    goneFromServer: row.serverLoss?.kind === 'not-found',
    unpushedCommits,
    onlyHere,
    serverUnreachable,
    pendingNotes: notes,
  };
}

/** True when removing the copy would lose something. */
export function losesWork(work: UnsyncedWork): boolean {
  return (
    work.localOnly ||
    work.goneFromServer === true ||
    work.unpushedCommits ||
    work.onlyHere.length > 0 ||
    work.pendingNotes.length > 0
  );
}

async function deleteDatabase(name: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => resolve();
    request.onblocked = () => resolve();
  });
}

async function databaseNames(): Promise<string[]> {
  const dbs = (await globalThis.indexedDB?.databases?.().catch(() => [])) ?? [];
  return dbs.map((d) => d.name ?? '').filter(Boolean);
}

async function dropExperiments(id: string): Promise<void> {
  const { experimentsDb } = await import('../experiments/run-store.ts');
  const db = experimentsDb();
  await db.transaction('rw', [db.runs, db.histories, db.feeds, db.gitScans, db.runStamps, db.runBlocks], async () => {
    await db.runs.where('repo').equals(id).delete();
    await db.histories.where('[repo+runId]').between([id, ''], [id, '\uffff']).delete();
    await db.feeds.delete(id);
    await db.gitScans.where('repo').equals(id).delete();
    await db.runStamps.delete(id);
    await db.runBlocks.where('repo').equals(id).delete();
  });
}

/** Removes `owner/repo` from this device: git files, data only it uses, experiments, notes. */
export async function removeDeviceCopy(owner: string, repo: string): Promise<void> {
  const row = await getRepoRow(owner, repo);
  const id = repoId(owner, repo);
  if (row) {
    const mine = await dataObjectsOf(row);
    const others = (await listLocalRepos()).filter((r) => r.id !== id);
    const usedElsewhere = new Set<ObjectId>();
    for (const other of others) for (const key of (await dataObjectsOf(other)).keys()) usedElsewhere.add(key);
    const store = getBlobStore();
    await store.deleteMany([...mine.keys()].filter((key) => !usedElsewhere.has(key)));
    await deleteLocalRepo(owner, repo);
  }
  await dropExperiments(id).catch(() => {});
  for (const name of noteDatabasesOf(await databaseNames(), id)) await deleteDatabase(name);
  for (const key of pendingNotes()) if (key.startsWith(`${id}/`)) clearPending(key);
}

/** Copies one note's Yjs state to its database under the new name, then deletes the old one. */
async function moveNote(from: string, to: string): Promise<void> {
  const [{ IndexeddbPersistence }, Y] = await Promise.all([import('y-indexeddb'), import('yjs')]);
  const doc = new Y.Doc();
  const source = new IndexeddbPersistence(from, doc);
  await source.whenSynced;
  // A new persistence stores the document's whole state as its first update.
  const target = new IndexeddbPersistence(to, doc);
  await target.whenSynced;
  await target.destroy();
  await source.clearData();
  doc.destroy();
}

/**
 * Follows a rename or transfer made on the server: `from` (owner/repo) becomes `to` on this
 * device. Does nothing when `from` is not here, or `to` already is.
 */
export async function moveDeviceCopy(
  from: { owner: string; repo: string },
  to: { owner: string; repo: string },
): Promise<void> {
  const oldId = repoId(from.owner, from.repo);
  const newId = repoId(to.owner, to.repo);
  const db = getDb();
  const moved = await db.transaction('rw', db.repos, async () => {
    const row = await db.repos.get(oldId);
    if (!row || (await db.repos.get(newId))) return false;
    await db.repos.delete(oldId);
    // fsName stays: the git files keep their database, the row says where they are.
    await db.repos.add({ ...row, id: newId, owner: to.owner, repo: to.repo });
    return true;
  });
  if (!moved) return;
  // Cached runs are the server's (re-read from its feed) or recomputed from git: drop, not move.
  await dropExperiments(oldId).catch(() => {});
  for (const name of noteDatabasesOf(await databaseNames(), oldId)) {
    const doc = name.slice(`${NOTE_DB_PREFIX}${oldId}/`.length);
    await moveNote(name, `${NOTE_DB_PREFIX}${newId}/${doc}`).catch(() => {});
  }
  for (const key of pendingNotes()) {
    if (!key.startsWith(`${oldId}/`)) continue;
    clearPending(key);
    markPending(`${newId}/${key.slice(oldId.length + 1)}`);
  }
  globalThis.dispatchEvent?.(new CustomEvent('cairn:repos-changed', { detail: newId }));
}
