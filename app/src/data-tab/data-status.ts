/**
 * Where a DVC-tracked output's objects are: on this device (the data cache in IndexedDB) and on
 * the repository's DVC remote on the server (one batch `missing` call for all outputs). The
 * remote's answer is kept in a small Dexie table, so offline the tab shows what was last seen,
 * with its age, instead of nothing.
 */
import type { HashAlgorithm } from '@cairn/core/hash';
import Dexie, { type Table } from 'dexie';
import type { DatasetEntry } from '../catalog/catalog-protocol.ts';
import { getBlobStore, objectId } from '../storage/blobs.ts';
import type { RepoHandle } from '../storage/repo-handle.ts';
import { defaultServer } from '../sync/api.ts';
import { missingOnServer, remoteOf } from '../sync/data-push.ts';
import { objectsOfOuts, type ReferencedObject } from '../sync/referenced-objects.ts';

export interface RemoteStatusRow {
  repo: string;
  /** algorithm/md5 of the output. */
  object: string;
  /** Objects of the output the remote lacked when checked. */
  missing: number;
  total: number;
  checkedAt: number;
}

type StatusDb = Dexie & { remote: Table<RemoteStatusRow, [string, string]> };
let db: StatusDb | null = null;
function statusDb(): StatusDb {
  if (!db) {
    db = new Dexie('cairn-data-status') as StatusDb;
    db.version(1).stores({ remote: '[repo+object], repo' });
  }
  return db;
}

export interface DataStatus {
  /** Objects of the output on this device / in all (a folder whose manifest is absent counts 1 of 1+). */
  device: { have: number; total: number; manifest: boolean };
  remote: RemoteStatusRow | null;
}

export async function dataStatus(repo: string, handle: RepoHandle, datasets: DatasetEntry[], online: boolean) {
  const store = getBlobStore();
  const result = new Map<string, DataStatus>();
  const objectsOf = new Map<string, ReferencedObject[]>();
  for (const d of datasets) {
    if (!d.md5 || !d.cached) continue;
    const algorithm: HashAlgorithm = d.legacy ? 'md5-dos2unix' : 'md5';
    const object = objectId(algorithm, d.md5);
    const objects = await objectsOfOuts(store, [
      { path: d.path, oid: d.md5, algorithm, object, isDir: d.isDir, legacy: d.legacy, size: d.size, nfiles: d.nfiles },
    ]);
    const missing = await store.missing(objects.map((o) => o.object));
    const manifest = !d.isDir || !missing.includes(object);
    objectsOf.set(object, objects);
    result.set(d.path, {
      device: { have: objects.length - missing.length, total: Math.max(objects.length, d.nfiles ?? 0), manifest },
      remote: null,
    });
  }
  if (online) {
    try {
      const remote = await remoteOf(defaultServer(), handle);
      const all = [...new Map([...objectsOf.values()].flat().map((o) => [o.object, o])).values()];
      const lacking = new Set((await missingOnServer(remote, store, all)).map((o) => o.object));
      const now = Date.now();
      const rows = [...objectsOf].map(([object, objs]) => ({
        repo,
        object,
        missing: objs.filter((o) => lacking.has(o.object)).length,
        total: objs.length,
        checkedAt: now,
      }));
      await statusDb().remote.bulkPut(rows);
    } catch {
      // unreachable or not signed in: fall back to what was last seen
    }
  }
  const seen = new Map((await statusDb().remote.where('repo').equals(repo).toArray()).map((r) => [r.object, r]));
  for (const d of datasets) {
    const s = result.get(d.path);
    if (s && d.md5) s.remote = seen.get(objectId(d.legacy ? 'md5-dos2unix' : 'md5', d.md5)) ?? null;
  }
  return result;
}
