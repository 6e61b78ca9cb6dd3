import { describe, expect, it } from 'vitest';
import { runBlobStoreTests } from './blob-store.conformance.ts';
import { makeDb } from './db.ts';
import { DexieBlobStore } from './dexie-blob-store.ts';
import { StorageFullError } from './errors.ts';

let dbCount = 0;
const freshStore = () => {
  const db = makeDb(`blob-test-${++dbCount}`);
  return { db, store: new DexieBlobStore(db) };
};

runBlobStoreTests('Dexie on IndexedDB', async () => freshStore().store);

const A = '0cc175b9c0f1b6a831c399e269772661';
const B = '92eb5ffee6ae2fec3ad71c777531578f';

describe('DexieBlobStore', () => {
  it('a full disk gives a StorageFullError and leaves earlier objects intact', async () => {
    const { db, store } = freshStore();
    await store.put(A, new TextEncoder().encode('a'));
    // The automerge-repo rejectOnFailure pattern: the browser's IndexedDB refuses new rows.
    const proto = IDBObjectStore.prototype;
    const realAdd = proto.add;
    const realPut = proto.put;
    const refuse = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    proto.add = refuse;
    proto.put = refuse;
    try {
      const error = await store.put(B, new TextEncoder().encode('b')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageFullError);
      expect((error as StorageFullError).code).toBe('storage-full');
    } finally {
      proto.add = realAdd;
      proto.put = realPut;
    }
    expect(new TextDecoder().decode((await store.get(A)) ?? new Uint8Array())).toBe('a');
    expect(await store.has(B)).toBe(false);
    expect(await db.chunks.count()).toBe(1); // only A's chunk: nothing half-written remains
  });

  it('sweeps chunks of writes that never committed, and only those', async () => {
    const { db, store } = freshStore();
    await store.put(A, new TextEncoder().encode('a'));
    const w = store.writer();
    await w.write(new Uint8Array(5 * 1024 * 1024)); // one chunk written, then the tab "closes"
    expect(await db.chunks.count()).toBe(2);
    expect(await store.sweep(60_000)).toBe(0); // within the grace period: might still be writing
    expect(await store.sweep(-1)).toBe(1);
    expect(await db.chunks.count()).toBe(1);
    expect(await store.has(A)).toBe(true);
  });

  it('objects are visible across connections to the same database (another tab or worker)', async () => {
    const { db, store } = freshStore();
    await store.put(A, new TextEncoder().encode('a'));
    const other = new DexieBlobStore(makeDb(db.name));
    expect(await other.has(A)).toBe(true);
  });
});
