/** An in-memory BlobStore: for tests and tools; the app uses the Dexie one. */
import {
  assertOid,
  BlobNotFoundError,
  type BlobStore,
  type BlobUsage,
  type BlobWriter,
  concatBytes,
} from './blob-store.ts';

export class MemoryBlobStore implements BlobStore {
  readonly #objects = new Map<string, Uint8Array>();

  async has(oid: string): Promise<boolean> {
    assertOid(oid);
    return this.#objects.has(oid);
  }
  async missing(oids: readonly string[]): Promise<string[]> {
    for (const oid of oids) assertOid(oid);
    return [...new Set(oids)].filter((oid) => !this.#objects.has(oid));
  }
  async size(oid: string): Promise<number | null> {
    assertOid(oid);
    return this.#objects.get(oid)?.byteLength ?? null;
  }
  async get(oid: string): Promise<Uint8Array | null> {
    assertOid(oid);
    const bytes = this.#objects.get(oid);
    return bytes ? bytes.slice() : null;
  }
  async *chunks(oid: string): AsyncGenerator<Uint8Array> {
    const bytes = await this.get(oid);
    if (!bytes) throw new BlobNotFoundError(oid);
    yield bytes;
  }
  async put(oid: string, bytes: Uint8Array): Promise<boolean> {
    assertOid(oid);
    if (this.#objects.has(oid)) return false;
    this.#objects.set(oid, bytes.slice());
    return true;
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
      commit: async (oid) => {
        if (done) throw new Error('This blob writer is already closed.');
        done = true;
        return this.put(oid, concatBytes(parts, size));
      },
      abort: async () => {
        done = true;
        parts.length = 0;
      },
    };
  }
  async delete(oid: string): Promise<void> {
    assertOid(oid);
    this.#objects.delete(oid);
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
