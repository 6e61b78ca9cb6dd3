/**
 * The BlobStore on IndexedDB (Dexie). Bytes go into `chunks` rows under a random key while
 * they stream in; one final transaction adds the `blobs` row that names them by oid, so a
 * reader sees a whole object or none. Chunks of writes that never committed are swept later.
 * Quota failures become `StorageFullError`; earlier objects are untouched by a failed write.
 */
import {
  assertOid,
  BlobNotFoundError,
  type BlobStore,
  type BlobUsage,
  type BlobWriter,
  CHUNK_BYTES,
  concatBytes,
} from './blob-store.ts';
import type { CairnDb } from './db.ts';
import { guardQuota } from './errors.ts';

const HOUR_MS = 60 * 60 * 1000;

function randomKey(): string {
  return crypto.randomUUID();
}

export class DexieBlobStore implements BlobStore {
  constructor(private readonly db: CairnDb) {}

  async has(oid: string): Promise<boolean> {
    assertOid(oid);
    return (await this.db.blobs.get(oid)) !== undefined;
  }

  async missing(oids: readonly string[]): Promise<string[]> {
    for (const oid of oids) assertOid(oid);
    const unique = [...new Set(oids)];
    const rows = await this.db.blobs.bulkGet(unique);
    return unique.filter((_, i) => rows[i] === undefined);
  }

  async size(oid: string): Promise<number | null> {
    assertOid(oid);
    return (await this.db.blobs.get(oid))?.size ?? null;
  }

  async get(oid: string): Promise<Uint8Array | null> {
    assertOid(oid);
    const row = await this.db.blobs.get(oid);
    if (!row) return null;
    const parts: Uint8Array[] = [];
    for await (const part of this.chunks(oid)) parts.push(part);
    return concatBytes(parts, row.size);
  }

  async *chunks(oid: string): AsyncGenerator<Uint8Array> {
    assertOid(oid);
    const row = await this.db.blobs.get(oid);
    if (!row) throw new BlobNotFoundError(oid);
    for (let index = 0; index < row.chunks; index++) {
      const chunk = await this.db.chunks.get([row.key, index] as unknown as string);
      // A missing piece means the browser evicted or lost part of the object: treat it as absent.
      if (!chunk) throw new BlobNotFoundError(oid);
      yield chunk.bytes;
    }
  }

  async put(oid: string, bytes: Uint8Array): Promise<boolean> {
    assertOid(oid);
    const w = this.writer();
    try {
      await w.write(bytes);
      return await w.commit(oid);
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
      async commit(oid) {
        assertOid(oid);
        if (closed) throw new Error('This blob writer is already closed.');
        closed = true;
        try {
          if (pendingBytes > 0 || index === 0) await writeChunk(concatBytes(pending, pendingBytes));
          pending = [];
          const chunks = index;
          return await guardQuota('a data object', () =>
            db.transaction('rw', db.blobs, db.chunks, async () => {
              if (await db.blobs.get(oid)) {
                await dropChunks(); // already stored: keep the first copy
                return false;
              }
              await db.blobs.add({ oid, key, size, chunks, addedAt: Date.now() });
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

  async delete(oid: string): Promise<void> {
    assertOid(oid);
    await this.db.transaction('rw', this.db.blobs, this.db.chunks, async () => {
      const row = await this.db.blobs.get(oid);
      if (!row) return;
      await this.db.blobs.delete(oid);
      await this.db.chunks.where('key').equals(row.key).delete();
    });
  }

  async usage(): Promise<BlobUsage> {
    let count = 0;
    let bytes = 0;
    await this.db.blobs.each((row) => {
      count++;
      bytes += row.size;
    });
    return { count, bytes };
  }

  async sweep(graceMs = HOUR_MS): Promise<number> {
    const cutoff = Date.now() - graceMs;
    return this.db.transaction('rw', this.db.blobs, this.db.chunks, async () => {
      const live = new Set(await this.db.blobs.orderBy('key').keys());
      const old = (await this.db.chunks.where('writtenAt').below(cutoff).primaryKeys()) as unknown as Array<
        [string, number]
      >;
      const dead = old.filter(([key]) => !live.has(key));
      await this.db.chunks.bulkDelete(dead as unknown as string[]);
      return dead.length;
    });
  }
}
