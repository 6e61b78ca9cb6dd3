/**
 * What this device keeps, per repository: git files (lightning-fs), the data-cache objects its
 * current commit uses, experiments (run rows and metric histories), live notes (one y-indexeddb
 * database each) — and the data cache no current commit uses, the browser's usage and quota,
 * and whether storage is persistent. Repositories are scanned one at a time with pauses
 * between them, so the page stays responsive while a large device is measured.
 */
import { pendingNotes } from '../notes/pending-notes.ts';
import type { ObjectId } from '../storage/blob-store.ts';
import { getBlobStore } from '../storage/blobs.ts';
import { getDb, type RepoRow } from '../storage/db.ts';
import { type StorageStatus, storageStatus } from '../storage/persistence.ts';
import { listLocalRepos, openRepo, repoUsage } from '../storage/repo-handle.ts';
import type { CachedObject } from './drop-plan.ts';
import { type RepoDataObject, repoDataObjects } from './repo-data-objects.ts';
import { scaleSample } from './size-estimate.ts';

export interface RepoStorage {
  row: RepoRow;
  /** Git objects, pack data and the checked-out files, as lightning-fs counts them. */
  gitBytes: number;
  /** Data objects of the current commit that are on this device. */
  data: { objects: CachedObject[]; bytes: number; referenced: number };
  runs: { count: number; bytes: number };
  notes: { count: number; bytes: number; pending: string[] };
}

export interface DeviceStorage extends StorageStatus {
  repos: RepoStorage[];
  /** The whole data cache (shared by every repository). */
  dataCache: { count: number; bytes: number };
  /** Cached objects no repository's current commit uses (older versions, removed repositories). */
  otherData: { count: number; bytes: number };
}

export interface ScanProgress {
  done: number;
  total: number;
  /** The repository being measured. */
  current: string | null;
}

const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Rows measured per table to estimate a repository's experiments. */
const SAMPLE_ROWS = 50;

async function gitBytesOf(row: RepoRow): Promise<number> {
  const handle = await openRepo(row.owner, row.repo);
  if (!handle) return 0;
  return repoUsage(handle).catch(() => 0);
}

/** The repository's data objects that are here, with their stored sizes. */
export async function cachedObjectsOf(objects: Map<ObjectId, RepoDataObject>): Promise<CachedObject[]> {
  const ids = [...objects.keys()];
  const rows = await getDb().objects.bulkGet(ids);
  const out: CachedObject[] = [];
  ids.forEach((id, i) => {
    const row = rows[i];
    if (row) out.push({ id, size: row.size, paths: objects.get(id)?.paths ?? [] });
  });
  return out;
}

/** Every data object of `row`'s current commit (present here or not), or none when it cannot be read. */
export async function dataObjectsOf(row: RepoRow): Promise<Map<ObjectId, RepoDataObject>> {
  if (row.cloning) return new Map();
  const handle = await openRepo(row.owner, row.repo);
  if (!handle) return new Map();
  return repoDataObjects(handle, getBlobStore()).catch(() => new Map());
}

async function runsOf(id: string): Promise<RepoStorage['runs']> {
  const { experimentsDb } = await import('../experiments/run-store.ts');
  const db = experimentsDb();
  const runs = db.runs.where('repo').equals(id);
  const histories = db.histories.where('[repo+runId]').between([id, ''], [id, '\uffff']);
  const blocks = db.runBlocks.where('repo').equals(id);
  const [count, historyCount, blockCount] = await Promise.all([runs.count(), histories.count(), blocks.count()]);
  const [runSample, historySample, blockSample] = await Promise.all([
    runs.clone().limit(SAMPLE_ROWS).toArray(),
    histories.clone().limit(SAMPLE_ROWS).toArray(),
    blocks.clone().limit(SAMPLE_ROWS).toArray(),
  ]);
  return {
    count,
    bytes:
      scaleSample(runSample, count) + scaleSample(historySample, historyCount) + scaleSample(blockSample, blockCount),
  };
}

/** Names of this origin's IndexedDB databases (empty where the browser cannot list them). */
async function databaseNames(): Promise<string[]> {
  const dbs = (await globalThis.indexedDB?.databases?.().catch(() => [])) ?? [];
  return dbs.map((d) => d.name ?? '').filter(Boolean);
}

export const NOTE_DB_PREFIX = 'cairn-note:';

/** The y-indexeddb databases of `repo`'s notes (`cairn-note:OWNER/REPO/DOC`). */
export function noteDatabasesOf(names: readonly string[], repo: string): string[] {
  const prefix = `${NOTE_DB_PREFIX}${repo}/`;
  return names.filter((n) => n.startsWith(prefix));
}

/** Bytes of the Yjs updates a note database holds (y-indexeddb's `updates` store). */
function noteBytes(name: string): Promise<number> {
  return new Promise((resolve) => {
    const open = indexedDB.open(name);
    open.onerror = () => resolve(0);
    // Never create a database while measuring: one being made here did not exist.
    open.onupgradeneeded = () => open.transaction?.abort();
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('updates')) {
        db.close();
        resolve(0);
        return;
      }
      const all = db.transaction('updates', 'readonly').objectStore('updates').getAll();
      all.onsuccess = () => {
        db.close();
        resolve((all.result as unknown[]).reduce<number>((n, u) => n + ((u as Uint8Array).byteLength ?? 0), 0));
      };
      all.onerror = () => {
        db.close();
        resolve(0);
      };
    };
  });
}

async function notesOf(id: string, names: readonly string[]): Promise<RepoStorage['notes']> {
  const dbs = noteDatabasesOf(names, id);
  let bytes = 0;
  for (const name of dbs) bytes += await noteBytes(name);
  const pending = pendingNotes()
    .filter((key) => key.startsWith(`${id}/`))
    .map((key) => key.slice(id.length + 1));
  return { count: dbs.length, bytes, pending };
}

/** Measures one repository. */
export async function scanRepo(row: RepoRow, names?: readonly string[]): Promise<RepoStorage> {
  const all = await dataObjectsOf(row);
  const objects = await cachedObjectsOf(all);
  return {
    row,
    gitBytes: await gitBytesOf(row),
    data: { objects, bytes: objects.reduce((n, o) => n + o.size, 0), referenced: all.size },
    runs: await runsOf(row.id),
    notes: await notesOf(row.id, names ?? (await databaseNames())),
  };
}

/** Measures everything this device keeps. */
export async function scanDevice(onProgress?: (p: ScanProgress) => void): Promise<DeviceStorage> {
  const rows = await listLocalRepos();
  const names = await databaseNames();
  const repos: RepoStorage[] = [];
  for (const [i, row] of rows.entries()) {
    onProgress?.({ done: i, total: rows.length, current: row.id });
    repos.push(await scanRepo(row, names));
    await pause();
  }
  onProgress?.({ done: rows.length, total: rows.length, current: null });
  const dataCache = await getBlobStore().usage();
  const used = new Map<ObjectId, number>();
  for (const r of repos) for (const o of r.data.objects) used.set(o.id, o.size);
  const usedBytes = [...used.values()].reduce((n, s) => n + s, 0);
  return {
    ...(await storageStatus()),
    repos,
    dataCache,
    otherData: {
      count: Math.max(0, dataCache.count - used.size),
      bytes: Math.max(0, dataCache.bytes - usedBytes),
    },
  };
}
