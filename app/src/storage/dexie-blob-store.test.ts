import { createHash } from 'node:crypto';
import { hashWasmMd5 } from '@cairn/core/hash';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { runBlobStoreTests } from './blob-store.conformance.ts';
import { objectId } from './blob-store.ts';
import { makeDb } from './db.ts';
import { DexieBlobStore } from './dexie-blob-store.ts';
import { StorageFullError } from './errors.ts';

let dbCount = 0;
const freshStore = () => {
  const db = makeDb(`blob-test-${++dbCount}`);
  return { db, store: new DexieBlobStore(db) };
};

/** The browser's IndexedDB accepting `writes` more rows, then refusing with a quota error. */
function fullAfter(writes: number): () => void {
  const proto = IDBObjectStore.prototype;
  const realAdd = proto.add;
  const realPut = proto.put;
  let left = writes;
  const guard = <A extends unknown[]>(real: (this: IDBObjectStore, ...a: A) => IDBRequest<IDBValidKey>) =>
    function (this: IDBObjectStore, ...a: A) {
      if (left-- <= 0) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return real.apply(this, a);
    };
  proto.add = guard(realAdd);
  proto.put = guard(realPut);
  return () => {
    proto.add = realAdd;
    proto.put = realPut;
  };
}

runBlobStoreTests('Dexie on IndexedDB', async () => freshStore().store, { fullAfter });
runBlobStoreTests(
  'Dexie on IndexedDB, chunks as Blobs',
  async () => {
    const db = makeDb(`blob-test-${++dbCount}`);
    return new DexieBlobStore(db, hashWasmMd5(), 'blob');
  },
  { fullAfter },
);

const A = objectId('md5', '0cc175b9c0f1b6a831c399e269772661');
const B = objectId('md5', '92eb5ffee6ae2fec3ad71c777531578f');
const md5hex = (b: Uint8Array | string) => createHash('md5').update(b).digest('hex');
const text = (b: Uint8Array | null) => (b ? Buffer.from(b).toString() : null);

/** A database as schema 1 (the released version) left it: rows named by oid alone. */
async function version1Db(
  name: string,
  rows: Array<{ oid: string; bytes: Uint8Array; chunks?: number }>,
): Promise<void> {
  const old = new Dexie(name);
  old.version(1).stores({ blobs: 'oid, key', chunks: '[key+index], key, writtenAt', repos: 'id', settings: 'key' });
  for (const [i, r] of rows.entries()) {
    const key = `v1-key-${i}`;
    await old.table('chunks').add({ key, index: 0, bytes: r.bytes, writtenAt: Date.now() });
    // `chunks` above 1 declares pieces that are not there (evicted by the browser).
    await old.table('blobs').add({ oid: r.oid, key, size: r.bytes.byteLength, chunks: r.chunks ?? 1, addedAt: 1 });
  }
  await old.table('repos').add({ id: 'me/kept' });
  old.close();
}

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
      expect((error as StorageFullError).code).toBe('storage_full');
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

  it('files schema-1 rows under the algorithm their bytes hash to, keeping other tables', async () => {
    const name = `blob-test-v1-${++dbCount}`;
    const crlf = new TextEncoder().encode('x,y\r\n1,2\r\n');
    const lf = 'x,y\n1,2\n';
    const binary = new Uint8Array([0, 1, 2, 13, 10, 255]);
    await version1Db(name, [
      { oid: md5hex(lf), bytes: crlf }, // fetched from a DVC 2 path: a legacy object
      { oid: md5hex(crlf), bytes: crlf }, // added or fetched as DVC 3
      { oid: md5hex(binary), bytes: binary }, // nothing to normalise: valid under both
      { oid: `${md5hex('[]')}.dir`, bytes: new TextEncoder().encode('[]') }, // a manifest
      { oid: md5hex('other'), bytes: new TextEncoder().encode('corrupt') }, // matches neither
      { oid: md5hex('part'), bytes: new TextEncoder().encode('part'), chunks: 2 }, // a piece is gone
    ]);
    const db = makeDb(name);
    const store = new DexieBlobStore(db);
    expect(text(await store.get(objectId('md5-dos2unix', md5hex(lf))))).toBe('x,y\r\n1,2\r\n');
    expect(await store.has(objectId('md5', md5hex(lf)))).toBe(false); // never served as DVC 3 bytes
    expect(text(await store.get(objectId('md5', md5hex(crlf))))).toBe('x,y\r\n1,2\r\n');
    expect(await store.has(objectId('md5-dos2unix', md5hex(crlf)))).toBe(false);
    expect(await store.get(objectId('md5', md5hex(binary)))).toEqual(binary);
    expect(await store.get(objectId('md5-dos2unix', md5hex(binary)))).toEqual(binary);
    expect(await store.has(objectId('md5', `${md5hex('[]')}.dir`))).toBe(true);
    expect(await store.has(objectId('md5', md5hex('other')))).toBe(false);
    expect(await store.has(objectId('md5', md5hex('part')))).toBe(false);
    expect(await db.blobs.count()).toBe(0);
    expect(await db.repos.get('me/kept')).toBeTruthy();
    // Shared bytes are stored once and survive deleting one of their two names.
    expect(await store.usage()).toEqual({ count: 6, bytes: 2 * crlf.byteLength + binary.byteLength + 2 });
    await store.delete(objectId('md5', md5hex(binary)));
    expect(await store.get(objectId('md5-dos2unix', md5hex(binary)))).toEqual(binary);
    expect(await db.chunks.count()).toBe(4); // the corrupt and the partial rows' chunks are gone too
    expect(await store.sweep(-1)).toBe(0);
  });
});
