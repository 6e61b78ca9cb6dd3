/**
 * The app's Dexie database: the content-addressed data cache (DVC objects and `.dir`
 * manifests, shared by every repository), the list of repositories kept on this device with
 * their sync state, and small settings. Git repositories themselves live in lightning-fs
 * (one IndexedDB database each, see repo-handle.ts).
 *
 * Every released schema version stays listed here (RELIABILITY B14): add a version, never edit one.
 */
import Dexie, { type EntityTable } from 'dexie';
import type { ObjectId } from './blob-store.ts';

/**
 * A complete object of the data cache. Its bytes are the `chunks` rows of `key`, or, when
 * `place` is `opfs`, `size` bytes of an OPFS file from an offset (`key` = `<file>#<offset>`,
 * opfs-blob-store.ts). The row is written only once those bytes are durable.
 */
export interface ObjectRow {
  /** `<hash algorithm>/<DVC oid>` (blob-store.ts ObjectId): DVC 2 and DVC 3 objects apart. */
  id: ObjectId;
  /**
   * Storage key of the chunk rows (random, so a half-written object is never under its id).
   * Two rows may share a key when the same bytes are valid under both algorithms (v1 migration).
   */
  key: string;
  size: number;
  /** Chunk rows holding the bytes (0 for an object in OPFS). */
  chunks: number;
  addedAt: number;
  /** Where the bytes are: absent for chunk rows in IndexedDB, `opfs` for a file. No index: no schema change. */
  place?: 'opfs';
}

/**
 * A schema-1 object row, named by oid alone — which did not say whether the bytes were a DVC 3
 * (md5) or a legacy DVC 2 (md5-dos2unix) object: data-fetch stored both kinds here. Left in
 * place by the version-2 upgrade and moved to `objects` after re-hashing (v1-migration.ts).
 */
export interface BlobRow {
  /** DVC object id: md5 hex, with `.dir` for manifests. */
  oid: string;
  /** Storage key of the chunk rows (random, so a half-written object is never under its oid). */
  key: string;
  size: number;
  chunks: number;
  addedAt: number;
}

/**
 * A chunk's bytes: a Uint8Array (every row written before the Blob option) or a Blob. Either
 * may be found in one database; read them with `chunkBytes`. No schema change: IndexedDB
 * stores both as values.
 */
export type ChunkValue = Uint8Array | Blob;

/** The bytes of a chunk row, whichever way they were stored. */
export async function chunkBytes(row: ChunkRow): Promise<Uint8Array> {
  return row.bytes instanceof Uint8Array ? row.bytes : new Uint8Array(await row.bytes.arrayBuffer());
}

/** A piece of an object's bytes, at most CHUNK_BYTES long. */
export interface ChunkRow {
  key: string;
  index: number;
  bytes: ChunkValue;
  /** When written: unreferenced chunks older than the sweep grace period are leftovers. */
  writtenAt: number;
}

/** `gone`: the server answered that it has no such repository any more (see `serverLoss`). */
export type SyncState = 'local-only' | 'up-to-date' | 'pending' | 'syncing' | 'needs-attention' | 'gone';

/**
 * Why the server no longer takes this device's copy: `not-found` — it answers 404 for a
 * repository it had (deleted on another device or in the server's pages, renamed and the old
 * name reused, or its owner stopped sharing it: the server does not say which, so as not to
 * reveal private repositories); `no-write` — it refuses pushes (403: the copy may still be read
 * but no longer written, e.g. a collaborator's access was lowered, or it became a mirror).
 */
export interface ServerLoss {
  kind: 'not-found' | 'no-write';
  /** When a sync first met it. */
  at: number;
}

/** A repository kept on this device. */
export interface RepoRow {
  /** `owner/repo` */
  id: string;
  owner: string;
  repo: string;
  /** The lightning-fs database name holding its git repository. */
  fsName: string;
  /** The server it syncs with (an origin like `http://127.0.0.1:8787`), or null for local-only. */
  server: string | null;
  createdAt: number;
  syncState: SyncState;
  /** Why the last sync needs attention, in words (null when fine). */
  syncMessage: string | null;
  lastSyncedAt: number | null;
  /** Local work (commits or data) not yet on the server. */
  pending: boolean;
  /**
   * Set while a clone fills this repository, cleared when it is complete. A row still marked
   * when no tab holds the clone's lock was left by a tab closed or navigated away mid-clone: it
   * is half-made, and is removed and cloned again (`ensureRepo`).
   */
  cloning?: boolean;
  /**
   * When this device first knew the repository on the server (a finished clone, or a sync that
   * reached it); null for one made here and never synced. A 404 for a repository that was on the
   * server is a loss to show, never a reason to create it there again (sync/server-presence.ts).
   */
  onServerSince?: number | null;
  /** Set when the server stopped taking this copy; the repository's page says what to do. */
  serverLoss?: ServerLoss | null;
}

export interface SettingRow {
  key: string;
  value: unknown;
}

export type CairnDb = Dexie & {
  objects: EntityTable<ObjectRow, 'id'>;
  /** Schema-1 rows awaiting migration (empty once migrated). */
  blobs: EntityTable<BlobRow, 'oid'>;
  chunks: EntityTable<ChunkRow, 'key'>;
  repos: EntityTable<RepoRow, 'id'>;
  settings: EntityTable<SettingRow, 'key'>;
};

export const DB_NAME = 'cairn';

/** Opens (creating or upgrading) the database. Tests pass their own name. */
export function makeDb(name = DB_NAME): CairnDb {
  // "Saved" must mean durable: ask Chromium for strict transaction durability.
  const db = new Dexie(name, { chromeTransactionDurability: 'strict' }) as CairnDb;
  db.version(1).stores({
    blobs: 'oid, key',
    chunks: '[key+index], key, writtenAt',
    repos: 'id',
    settings: 'key',
  });
  // Version 2: objects are named by hash algorithm + oid. Version-1 rows cannot be classified
  // without re-hashing their bytes (async WebAssembly, which an IndexedDB upgrade transaction
  // cannot wait for), so they stay in `blobs` until DexieBlobStore migrates them.
  db.version(2).stores({
    objects: 'id, key',
  });
  // Version 3: repositories remember that they were on the server (`onServerSince`). Rows from
  // before know it only through `lastSyncedAt`, which a finished clone and every sync that
  // reached the server set, and nothing else does: a repository made here and never synced has
  // none. No index changes.
  db.version(3)
    .stores({})
    .upgrade((tx) =>
      tx
        .table('repos')
        .toCollection()
        .modify((row: RepoRow) => {
          row.onServerSince = onServerSinceOfOldRow(row);
          row.serverLoss = null;
        }),
    );
  // A newer version opened in another tab: close so it can upgrade, and tell this tab to reload.
  db.on('versionchange', () => {
    db.close();
    globalThis.dispatchEvent?.(new Event('cairn:db-outdated'));
    return false;
  });
  return db;
}

/** `onServerSince` of a row written before version 3 (see the upgrade above). */
export function onServerSinceOfOldRow(row: Pick<RepoRow, 'lastSyncedAt'>): number | null {
  return row.lastSyncedAt ?? null;
}

let shared: CairnDb | null = null;

/** The app-wide database (one connection per tab or worker). */
export function getDb(): CairnDb {
  shared ??= makeDb();
  return shared;
}
