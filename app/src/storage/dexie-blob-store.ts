/**
 * The BlobStore on IndexedDB (Dexie). Bytes go into `chunks` rows under a random key while
 * they stream in; one final transaction adds the `objects` row that names them by id
 * (algorithm + oid), so a reader sees a whole object or none. Chunks of writes that never
 * committed are swept later. Quota failures become `StorageFullError`; earlier objects are
 * untouched by a failed write. Before its first answer the store files schema-1 rows under
 * their algorithm (v1-migration.ts).
 */
import { hashWasmMd5, type Md5Factory } from '@cairn/core/hash/index';
import {
  assertObjectId,
  BlobNotFoundError,
  type BlobStore,
  type BlobUsage,
  type BlobWriter,
  CHUNK_BYTES,
  concatBytes,
  type ObjectId,
} from './blob-store.ts';
import type { CairnDb } from './db.ts';
import { guardQuota } from './errors.ts';
import { migrateVersion1Rows } from './v1-migration.ts';

const HOUR_MS = 60 * 60 * 1000;

function randomKey(): string {
  return crypto.randomUUID();
}

export class DexieBlobStore implements BlobStore {
  #migrated: Promise<void> | null = null;

  /** `md5` hashes schema-1 rows while migrating them (hash-wasm unless a test gives another). */
  constructor(
    private readonly db: CairnDb,
    private readonly md5: Md5Factory = hashWasmMd5(),
  ) {}

  /**
   * Runs the schema-1 migration once per store; a failure is retried on the next call. Tabs and
   * workers take turns through a Web Lock, so a row is re-hashed once, not once per context.
   */
  #ready(): Promise<void> {
    const migrate = () => migrateVersion1Rows(this.db, this.md5);
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    this.#migrated ??= (locks ? locks.request(`cairn-v1-migration:${this.db.name}`, migrate) : migrate()).then(
      () => undefined,
      (error: unknown) => {
        this.#migrated = null;
        throw error;
      },
    );
    return this.#migrated;
  }

  async has(id: ObjectId): Promise<boolean> {
    assertObjectId(id);
    await this.#ready();
    return (await this.db.objects.get(id)) !== undefined;
  }

  async missing(ids: readonly ObjectId[]): Promise<ObjectId[]> {
    for (const id of ids) assertObjectId(id);
    await this.#ready();
    const unique = [...new Set(ids)];
    const rows = await this.db.objects.bulkGet(unique);
    return unique.filter((_, i) => rows[i] === undefined);
  }

  async size(id: ObjectId): Promise<number | null> {
    assertObjectId(id);
    await this.#ready();
    return (await this.db.objects.get(id))?.size ?? null;
  }

  async get(id: ObjectId): Promise<Uint8Array | null> {
    assertObjectId(id);
    await this.#ready();
    const row = await this.db.objects.get(id);
    if (!row) return null;
    const parts: Uint8Array[] = [];
    for await (const part of this.chunks(id)) parts.push(part);
    return concatBytes(parts, row.size);
  }

  async *chunks(id: ObjectId): AsyncGenerator<Uint8Array> {
    assertObjectId(id);
    await this.#ready();
    const row = await this.db.objects.get(id);
    if (!row) throw new BlobNotFoundError(id);
    for (let index = 0; index < row.chunks; index++) {
      const chunk = await this.db.chunks.get([row.key, index] as unknown as string);
      // A missing piece means the browser evicted or lost part of the object: treat it as absent.
      if (!chunk) throw new BlobNotFoundError(id);
      yield chunk.bytes;
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

  writer(): BlobWriter {
    const db = this.db;
    const key = randomKey();
    let index = 0;
    let size = 0;
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let closed = false;

    const writeChunk = async (bytes: Uint8Array) => {
      const row = { key, index, bytes, writtenAt: Date.now() };
      await guardQuota('a data object', () => db.chunks.add(row));
      index++;
    };
    // Copies into fresh buffers so IndexedDB never clones a larger backing buffer.
    const flushFull = async () => {
      while (pendingBytes >= CHUNK_BYTES) {
        const all = concatBytes(pending, pendingBytes);
        await writeChunk(all.slice(0, CHUNK_BYTES));
        const rest = all.slice(CHUNK_BYTES);
        pending = rest.byteLength ? [rest] : [];
        pendingBytes = rest.byteLength;
      }
    };
    const dropChunks = () => db.chunks.where('key').equals(key).delete();

    return {
      get size() {
        return size;
      },
      async write(bytes) {
        if (closed) throw new Error('This blob writer is already closed.');
        pending.push(bytes.slice());
        pendingBytes += bytes.byteLength;
        size += bytes.byteLength;
        await flushFull();
      },
      commit: async (id) => {
        assertObjectId(id);
        if (closed) throw new Error('This blob writer is already closed.');
        closed = true;
        try {
          await this.#ready();
          if (pendingBytes > 0 || index === 0) await writeChunk(concatBytes(pending, pendingBytes));
          pending = [];
          const chunks = index;
          return await guardQuota('a data object', () =>
            db.transaction('rw', db.objects, db.chunks, async () => {
              if (await db.objects.get(id)) {
                await dropChunks(); // already stored: keep the first copy
                return false;
              }
              await db.objects.add({ id, key, size, chunks, addedAt: Date.now() });
              return true;
            }),
          );
        } catch (error) {
          await dropChunks().catch(() => {});
          throw error;
        }
      },
      async abort() {
        closed = true;
        pending = [];
        await dropChunks();
      },
    };
  }

  async delete(id: ObjectId): Promise<void> {
    assertObjectId(id);
    await this.#ready();
    await this.db.transaction('rw', this.db.objects, this.db.chunks, async () => {
      const row = await this.db.objects.get(id);
      if (!row) return;
      await this.db.objects.delete(id);
      // The same bytes may also be filed under the other algorithm (v1 migration): keep them then.
      if ((await this.db.objects.where('key').equals(row.key).count()) === 0) {
        await this.db.chunks.where('key').equals(row.key).delete();
      }
    });
  }

  /** Objects counted once per id; bytes once per stored copy (shared chunks count once). */
  async usage(): Promise<BlobUsage> {
    await this.#ready();
    let count = 0;
    let bytes = 0;
    const keys = new Set<string>();
    await this.db.objects.each((row) => {
      count++;
      if (!keys.has(row.key)) bytes += row.size;
      keys.add(row.key);
    });
    return { count, bytes };
  }

  async sweep(graceMs = HOUR_MS): Promise<number> {
    const cutoff = Date.now() - graceMs;
    return this.db.transaction('rw', this.db.objects, this.db.blobs, this.db.chunks, async () => {
      // Schema-1 rows not yet migrated are live too: their chunks are still their bytes.
      const live = new Set([
        ...((await this.db.objects.orderBy('key').keys()) as string[]),
        ...((await this.db.blobs.orderBy('key').keys()) as string[]),
      ]);
      const old = (await this.db.chunks.where('writtenAt').below(cutoff).primaryKeys()) as unknown as Array<
        [string, number]
      >;
      const dead = old.filter(([key]) => !live.has(key));
      await this.db.chunks.bulkDelete(dead as unknown as string[]);
      return dead.length;
    });
  }
}
