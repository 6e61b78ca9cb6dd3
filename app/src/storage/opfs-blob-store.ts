/**
 * The BlobStore with bytes in the Origin Private File System and the index in Dexie. Measured
 * (bench/browser-hash, 256 MiB, one run on this loaded 2-core machine): reading + storing as
 * 4 MiB IndexedDB rows under strict durability took 6.9 s against 1.4 s for reading alone,
 * while reading + writing an OPFS file through a sync access handle and flushing it took 2.1 s;
 * hash + store went from 6.0 s (0.26× md5sum) to 2.4 s (0.65×). Dexie keeps what it is good at:
 * which objects exist, their sizes.
 *
 * Order of a write, so an object is visible only once its bytes are whole and durable: the
 * bytes go into a new file under a random name, `flush()` (fsync), close, and only then one
 * transaction adds the `objects` row naming them (`place: 'opfs'`, `key` = `<file>#<offset>`).
 * A crash before the row leaves an unnamed file, which `sweep` removes. As with the Dexie store,
 * callers verify bytes against the id (hash-task hashes the very bytes it writes).
 * - A streamed object (`writer`) is one file.
 * - A batch (`putMany`: a hash task's ≤ 256 small files) is one pack file, one flush and one
 *   transaction: a file and fsync per object would cost more than IndexedDB did. Its objects
 *   are slices of the pack; the pack is removed with the last row naming it (space of objects
 *   deleted earlier stays until then).
 * Sync access handles exist only in dedicated workers (where hashing and storing run). A page
 * hands its writes (downloads, manifests) to the write worker (`writesVia`, opfs-write-client.ts);
 * without one (no Worker) they go to chunk rows as before. Objects already in chunk rows (caches
 * from before this store) are read from them; opfs-move.ts moves those into OPFS.
 */
import { hashWasmMd5, type Md5Factory } from '@cairn/core/hash';
import {
  assertObjectId,
  BlobNotFoundError,
  type BlobStore,
  type BlobUsage,
  type BlobWriter,
  CHUNK_BYTES,
  concatBytes,
  type ObjectId,
  type PutObject,
} from './blob-store.ts';
import type { CairnDb, ObjectRow } from './db.ts';
import { DELETE_BATCH, DexieBlobStore } from './dexie-blob-store.ts';
import { guardQuota } from './errors.ts';
import { type OpfsFileWriter, OpfsFolder, opfsAvailable, syncHandlesAvailable } from './opfs-files.ts';
import type { WorkerWrites } from './opfs-write-client.ts';

const HOUR_MS = 60 * 60 * 1000;

/** The `key` of an object at `offset` of OPFS file `file`. */
export const opfsKey = (file: string, offset: number) => `${file}#${offset}`;

/** The file and offset an OPFS row's key names. */
export function parseOpfsKey(key: string): { file: string; offset: number } {
  const at = key.lastIndexOf('#');
  return { file: key.slice(0, at), offset: Number(key.slice(at + 1)) };
}

/** The OPFS folder holding the files of the cache in database `dbName`. */
export const opfsFolderName = (dbName: string) => `${dbName}-objects`;

export class OpfsBlobStore implements BlobStore {
  /** The index, and the store of objects still in chunk rows. */
  readonly dexie: DexieBlobStore;
  readonly files: OpfsFolder;
  /** Whether this context writes into OPFS itself (a dedicated worker). */
  readonly writesToOpfs: boolean;
  /** Where a context that cannot (a page) sends its writes; without it, they go to chunk rows. */
  readonly #writesVia: WorkerWrites | undefined;

  constructor(
    readonly db: CairnDb,
    md5: Md5Factory = hashWasmMd5(),
    options: { writesToOpfs?: boolean; writesVia?: WorkerWrites } = {},
  ) {
    this.dexie = new DexieBlobStore(db, md5);
    this.files = new OpfsFolder(opfsFolderName(db.name));
    this.writesToOpfs = options.writesToOpfs ?? syncHandlesAvailable();
    this.#writesVia = this.writesToOpfs ? undefined : options.writesVia;
  }

  has(id: ObjectId): Promise<boolean> {
    return this.dexie.has(id);
  }

  missing(ids: readonly ObjectId[]): Promise<ObjectId[]> {
    return this.dexie.missing(ids);
  }

  size(id: ObjectId): Promise<number | null> {
    return this.dexie.size(id);
  }

  async #row(id: ObjectId): Promise<ObjectRow | undefined> {
    assertObjectId(id);
    await this.dexie.ready();
    return this.db.objects.get(id);
  }

  async get(id: ObjectId): Promise<Uint8Array | null> {
    const row = await this.#row(id);
    if (!row) return null;
    if (row.place !== 'opfs') return this.dexie.get(id);
    const parts: Uint8Array[] = [];
    for await (const part of this.chunks(id)) parts.push(part);
    return concatBytes(parts, row.size);
  }

  /** An OPFS object's slice of its file (null for one still in chunk rows: read those with `chunks`). */
  async diskBlob(id: ObjectId): Promise<Blob | null> {
    const row = await this.#row(id);
    if (row?.place !== 'opfs') return null;
    const { file: name, offset } = parseOpfsKey(row.key);
    const file = await this.files.read(name);
    if (!file || file.size < offset + row.size) throw new BlobNotFoundError(id);
    return file.slice(offset, offset + row.size);
  }

  async *chunks(id: ObjectId): AsyncGenerator<Uint8Array> {
    const row = await this.#row(id);
    if (!row) throw new BlobNotFoundError(id);
    if (row.place !== 'opfs') {
      yield* this.dexie.chunks(id);
      return;
    }
    const { file: name, offset } = parseOpfsKey(row.key);
    const file = await this.files.read(name);
    // A missing or short file means the browser evicted or lost it: treat the object as absent.
    if (!file || file.size < offset + row.size) throw new BlobNotFoundError(id);
    if (row.size === 0) {
      yield new Uint8Array(0);
      return;
    }
    for (let at = 0; at < row.size; at += CHUNK_BYTES) {
      const end = Math.min(row.size, at + CHUNK_BYTES);
      yield new Uint8Array(await file.slice(offset + at, offset + end).arrayBuffer());
    }
  }

  async put(id: ObjectId, bytes: Uint8Array): Promise<boolean> {
    assertObjectId(id);
    const w = this.writer();
    try {
      await w.write(bytes);
      return await w.commit(id);
    } catch (error) {
      await w.abort().catch(() => {});
      throw error;
    }
  }

  async putMany(objects: readonly PutObject[]): Promise<boolean[]> {
    if (!this.writesToOpfs) return this.#writesVia ? this.#writesVia.putMany(objects) : this.dexie.putMany(objects);
    for (const o of objects) assertObjectId(o.id);
    if (objects.length === 0) return [];
    await this.dexie.ready();
    const db = this.db;
    // Only objects not stored yet go into the pack (checked again when the rows go in).
    const absent = new Set(await this.dexie.missing(objects.map((o) => o.id)));
    const placed = new Map<ObjectId, { offset: number; size: number }>();
    let pack: OpfsFileWriter | null = null;
    let end = 0;
    try {
      for (const o of objects) {
        if (!absent.has(o.id) || placed.has(o.id)) continue;
        pack ??= this.files.create(crypto.randomUUID());
        await pack.write(o.bytes);
        placed.set(o.id, { offset: end, size: o.bytes.byteLength });
        end += o.bytes.byteLength;
      }
      await pack?.finish();
    } catch (error) {
      await pack?.discard().catch(() => {});
      throw await asStorageError('data objects', error);
    }
    if (!pack) return objects.map(() => false);
    const packName = pack.name;
    try {
      const isNew = await guardQuota('data objects', () =>
        db.transaction('rw', db.objects, async () => {
          const ids = [...placed.keys()];
          const stored = await db.objects.bulkGet(ids);
          const now = Date.now();
          const rows: ObjectRow[] = [];
          ids.forEach((id, i) => {
            const at = placed.get(id);
            if (stored[i] !== undefined || !at) return; // stored meanwhile (another worker): keep that copy
            rows.push({ id, key: opfsKey(packName, at.offset), size: at.size, chunks: 0, addedAt: now, place: 'opfs' });
          });
          await db.objects.bulkAdd(rows);
          const added = new Set(rows.map((r) => r.id));
          const seen = new Set<ObjectId>();
          return objects.map((o) => {
            const first = !seen.has(o.id);
            seen.add(o.id);
            return first && added.has(o.id);
          });
        }),
      );
      if (!isNew.some(Boolean)) await this.files.remove(packName);
      return isNew;
    } catch (error) {
      await this.files.remove(packName).catch(() => {});
      throw error;
    }
  }

  writer(): BlobWriter {
    if (!this.writesToOpfs) return this.#writesVia ? this.#writesVia.writer() : this.dexie.writer();
    const db = this.db;
    const file = this.files.create(crypto.randomUUID());
    let size = 0;
    let closed = false;
    return {
      get size() {
        return size;
      },
      writesInPlace: true,
      async write(bytes) {
        if (closed) throw new Error('This blob writer is already closed.');
        size += bytes.byteLength;
        try {
          await file.write(bytes);
        } catch (error) {
          throw await asStorageError('a data object', error);
        }
      },
      commit: async (id) => {
        assertObjectId(id);
        if (closed) throw new Error('This blob writer is already closed.');
        closed = true;
        try {
          await this.dexie.ready();
          await file.finish().catch(async (error: unknown) => {
            throw await asStorageError('a data object', error);
          });
          const isNew = await guardQuota('a data object', () =>
            db.transaction('rw', db.objects, async () => {
              if (await db.objects.get(id)) return false; // already stored: keep the first copy
              await db.objects.add({
                id,
                key: opfsKey(file.name, 0),
                size,
                chunks: 0,
                addedAt: Date.now(),
                place: 'opfs',
              });
              return true;
            }),
          );
          if (!isNew) await this.files.remove(file.name);
          return isNew;
        } catch (error) {
          await file.discard().catch(() => {});
          throw error;
        }
      },
      async abort() {
        closed = true;
        await file.discard();
      },
    };
  }

  delete(id: ObjectId): Promise<void> {
    return this.deleteMany([id]);
  }

  async deleteMany(ids: readonly ObjectId[]): Promise<void> {
    for (const id of ids) assertObjectId(id);
    await this.dexie.ready();
    const db = this.db;
    const unique = [...new Set(ids)];
    for (let at = 0; at < unique.length; at += DELETE_BATCH) {
      const batch = unique.slice(at, at + DELETE_BATCH);
      const rows = (await db.objects.bulkGet(batch)).filter((r): r is ObjectRow => r !== undefined);
      const inRows = rows.filter((r) => r.place !== 'opfs').map((r) => r.id);
      if (inRows.length > 0) await this.dexie.deleteMany(inRows);
      const inFiles = rows.filter((r) => r.place === 'opfs');
      if (inFiles.length === 0) continue;
      const unused = await db.transaction('rw', db.objects, async () => {
        const now = await db.objects.bulkGet(inFiles.map((r) => r.id));
        // Only rows unchanged meanwhile (a move or a new copy names other bytes: keep those).
        const gone = inFiles.filter((r, i) => now[i]?.key === r.key);
        await db.objects.bulkDelete(gone.map((r) => r.id));
        const files = [...new Set(gone.map((r) => parseOpfsKey(r.key).file))];
        // A file goes with the last row naming any part of it (a pack holds many objects).
        // One query after another, awaited in the transaction: the same queries gathered with
        // Promise.all on the page left the next writes of the hash workers waiting forever
        // (the 3-round 10,000-file bench stopped there, Chromium idle).
        const unnamed: string[] = [];
        for (const f of files)
          if ((await db.objects.where('key').startsWith(`${f}#`).first()) === undefined) unnamed.push(f);
        return unnamed;
      });
      // After the rows: a crash in between leaves unnamed files for `sweep`, never a row without bytes.
      for (const file of unused) await this.files.remove(file);
    }
  }

  usage(): Promise<BlobUsage> {
    return this.dexie.usage();
  }

  /** Removes chunk rows and OPFS files that no row names, older than `graceMs`. */
  async sweep(graceMs = HOUR_MS): Promise<number> {
    let removed = await this.dexie.sweep(graceMs);
    if (!opfsAvailable()) return removed;
    const cutoff = Date.now() - graceMs;
    const named = new Set<string>();
    await this.db.objects.each((row) => {
      if (row.place === 'opfs') named.add(parseOpfsKey(row.key).file);
    });
    for (const { name, modifiedAt } of await this.files.list()) {
      // A file still open by a writer has no modification time to read: it is in use.
      if (named.has(name) || modifiedAt === null || modifiedAt >= cutoff) continue;
      // Named meanwhile by a commit that finished after the listing: keep it.
      if ((await this.db.objects.where('key').startsWith(`${name}#`).count()) > 0) continue;
      await this.files.remove(name);
      removed++;
    }
    return removed;
  }
}

/** A file-system quota failure as the app's StorageFullError (other errors as they are). */
async function asStorageError(what: string, error: unknown): Promise<unknown> {
  return guardQuota(what, () => Promise.reject(error)).catch((e: unknown) => e);
}
