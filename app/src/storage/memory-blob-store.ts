/** An in-memory BlobStore: for tests and tools; the app uses the Dexie one. */
import {
  assertObjectId,
  BlobNotFoundError,
  type BlobStore,
  type BlobUsage,
  type BlobWriter,
  concatBytes,
  type ObjectId,
  type PutObject,
} from './blob-store.ts';

export class MemoryBlobStore implements BlobStore {
  readonly #objects = new Map<ObjectId, Uint8Array>();

  async has(id: ObjectId): Promise<boolean> {
    assertObjectId(id);
    return this.#objects.has(id);
  }
  async missing(ids: readonly ObjectId[]): Promise<ObjectId[]> {
    for (const id of ids) assertObjectId(id);
    return [...new Set(ids)].filter((id) => !this.#objects.has(id));
  }
  async size(id: ObjectId): Promise<number | null> {
    assertObjectId(id);
    return this.#objects.get(id)?.byteLength ?? null;
  }
  async get(id: ObjectId): Promise<Uint8Array | null> {
    assertObjectId(id);
    const bytes = this.#objects.get(id);
    return bytes ? bytes.slice() : null;
  }
  async *chunks(id: ObjectId): AsyncGenerator<Uint8Array> {
    const bytes = await this.get(id);
    if (!bytes) throw new BlobNotFoundError(id);
    yield bytes;
  }
  async put(id: ObjectId, bytes: Uint8Array): Promise<boolean> {
    assertObjectId(id);
    if (this.#objects.has(id)) return false;
    this.#objects.set(id, bytes.slice());
    return true;
  }
  async putMany(objects: readonly PutObject[]): Promise<boolean[]> {
    for (const o of objects) assertObjectId(o.id);
    return objects.map((o) => {
      if (this.#objects.has(o.id)) return false;
      this.#objects.set(o.id, o.bytes.slice());
      return true;
    });
  }
  writer(): BlobWriter {
    const parts: Uint8Array[] = [];
    let size = 0;
    let done = false;
    return {
      get size() {
        return size;
      },
      write: async (bytes) => {
        if (done) throw new Error('This blob writer is already closed.');
        parts.push(bytes.slice());
        size += bytes.byteLength;
      },
      commit: async (id) => {
        if (done) throw new Error('This blob writer is already closed.');
        done = true;
        return this.put(id, concatBytes(parts, size));
      },
      abort: async () => {
        done = true;
        parts.length = 0;
      },
    };
  }
  async delete(id: ObjectId): Promise<void> {
    assertObjectId(id);
    this.#objects.delete(id);
  }
  async deleteMany(ids: readonly ObjectId[]): Promise<void> {
    for (const id of ids) assertObjectId(id);
    for (const id of ids) this.#objects.delete(id);
  }
  async usage(): Promise<BlobUsage> {
    let bytes = 0;
    for (const b of this.#objects.values()) bytes += b.byteLength;
    return { count: this.#objects.size, bytes };
  }
  async sweep(): Promise<number> {
    return 0;
  }
}
