/// <reference lib="webworker" />
/**
 * Runs in a dedicated worker of the page: the BlobStore conformance suite on the OPFS store
 * (writing through sync access handles, and as on the main thread, where writes fall back to
 * chunk rows), then the OPFS store's own checks: packs, sweeping, and an existing IndexedDB
 * cache read back and moved into OPFS without downloading anything.
 */
import { hashWasmMd5 } from '@cairn/core/hash';
// biome-ignore lint/style/useNodejsImportProtocol: the npm package, for the page (there is no Node here).
import { Buffer } from 'buffer';
import { runBlobStoreTests } from '../../../app/src/storage/blob-store.conformance.ts';
import { CHUNK_BYTES, type ObjectId, objectId } from '../../../app/src/storage/blob-store.ts';
import { makeDb } from '../../../app/src/storage/db.ts';
import { DexieBlobStore } from '../../../app/src/storage/dexie-blob-store.ts';
import { OpfsBlobStore, parseOpfsKey } from '../../../app/src/storage/opfs-blob-store.ts';
import { type MoveProgress, moveChunksToOpfs } from '../../../app/src/storage/opfs-move.ts';
import { createHash } from './node-crypto-shim.ts';
import { describe, expect, it, runCollected } from './vitest-shim.ts';

(globalThis as { Buffer?: unknown }).Buffer = Buffer;

let dbCount = 0;
const freshDb = () => makeDb(`opfs-conformance-${Date.now()}-${++dbCount}`);
const md5hex = (b: Uint8Array | string) => createHash('md5').update(b).digest('hex');
const idOf = (b: Uint8Array) => objectId('md5', md5hex(b));

/** The disk (OPFS file writes) and IndexedDB (row writes) accepting `writes` more, then full. */
function fullAfter(writes: number): () => void {
  const idb = IDBObjectStore.prototype;
  const sync = FileSystemSyncAccessHandle.prototype;
  const real = { add: idb.add, put: idb.put, write: sync.write };
  let left = writes;
  const guard = <F extends (...a: never[]) => unknown>(fn: F) =>
    function (this: unknown, ...a: Parameters<F>) {
      if (left-- <= 0) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return fn.apply(this, a);
    } as unknown as F;
  idb.add = guard(real.add);
  idb.put = guard(real.put);
  sync.write = guard(real.write);
  return () => {
    idb.add = real.add;
    idb.put = real.put;
    sync.write = real.write;
  };
}

runBlobStoreTests('OPFS (sync access handles, a dedicated worker)', async () => new OpfsBlobStore(freshDb()), {
  fullAfter,
});
runBlobStoreTests(
  'OPFS store where sync handles are missing (the main thread: writes to chunk rows)',
  async () => new OpfsBlobStore(freshDb(), hashWasmMd5(), { writesToOpfs: false }),
  { fullAfter },
);

function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed + (i >> 9)) & 0xff;
  return out;
}

describe('OpfsBlobStore', () => {
  it('puts a batch into one pack file and removes it with its last object', async () => {
    const store = new OpfsBlobStore(freshDb());
    const objects = [pattern(10, 1), pattern(2000, 2), pattern(0, 3)].map((bytes) => ({ id: idOf(bytes), bytes }));
    expect(await store.putMany(objects)).toEqual([true, true, true]);
    const rows = await store.db.objects.toArray();
    expect(rows.every((r) => r.place === 'opfs')).toBe(true);
    expect(new Set(rows.map((r) => parseOpfsKey(r.key).file)).size).toBe(1);
    const pack = parseOpfsKey(rows[0]?.key ?? '').file;
    expect(await store.files.read(pack)).not.toBeNull();
    await store.delete(objects[0]?.id as ObjectId);
    expect(await store.files.read(pack)).not.toBeNull(); // the pack still holds two objects
    expect(Buffer.from((await store.get(objects[1]?.id as ObjectId)) ?? []).equals(Buffer.from(pattern(2000, 2)))).toBe(
      true,
    );
    await store.delete(objects[1]?.id as ObjectId);
    await store.delete(objects[2]?.id as ObjectId);
    expect(await store.files.read(pack)).toBeNull();
  });

  it('sweeps files no row names (a write cut off before its row), and only those', async () => {
    const store = new OpfsBlobStore(freshDb());
    const kept = pattern(100, 4);
    await store.put(idOf(kept), kept);
    const orphan = store.files.create('left-by-a-crash');
    await orphan.write(pattern(50, 5));
    await orphan.finish();
    expect(await store.sweep(60_000)).toBe(0); // within the grace period: might still be committing
    expect(await store.sweep(-1)).toBe(1);
    expect(await store.files.read('left-by-a-crash')).toBeNull();
    expect(md5hex((await store.get(idOf(kept))) ?? new Uint8Array())).toBe(md5hex(kept));
  });

  it('an object whose file is gone (evicted) reads as absent, not as empty bytes', async () => {
    const store = new OpfsBlobStore(freshDb());
    const bytes = pattern(300, 6);
    await store.put(idOf(bytes), bytes);
    const row = await store.db.objects.get(idOf(bytes));
    await store.files.remove(parseOpfsKey(row?.key ?? '').file);
    await expect(store.get(idOf(bytes))).rejects.toMatchObject({ code: 'blob_not_found' });
  });

  it('reads an existing IndexedDB cache as it is, then moves every object into OPFS', async () => {
    const db = freshDb();
    const old = new DexieBlobStore(db);
    // The cache as the Dexie store left it: streamed objects over several rows, a batch, a
    // manifest, a DVC 2 object, and one whose chunk went missing.
    const big = pattern(2 * CHUNK_BYTES + 777, 7);
    const crlf = new TextEncoder().encode('x,y\r\n1,2\r\n');
    const legacy = objectId('md5-dos2unix', md5hex('x,y\n1,2\n'));
    const manifest = new TextEncoder().encode('[{"md5": "0cc175b9c0f1b6a831c399e269772661", "relpath": "a"}]');
    const objects = new Map<ObjectId, Uint8Array>([
      [idOf(big), big],
      [legacy, crlf],
      [objectId('md5', `${md5hex(manifest)}.dir`), manifest],
      ...Array.from({ length: 40 }, (_, i) => pattern(100 + i * 50, i)).map((b) => [idOf(b), b] as const),
    ]);
    await old.put(idOf(big), big);
    await old.put(legacy, crlf);
    await old.putMany([...objects].slice(2).map(([id, bytes]) => ({ id, bytes })));
    const lost = pattern(5000, 99);
    await old.put(idOf(lost), lost);
    const lostRow = await db.objects.get(idOf(lost));
    await db.chunks
      .where('key')
      .equals(lostRow?.key ?? '')
      .delete();
    expect(await db.chunks.count()).toBeGreaterThan(objects.size);

    const store = new OpfsBlobStore(db);
    for (const [id, bytes] of objects) expect(md5hex((await store.get(id)) ?? new Uint8Array())).toBe(md5hex(bytes));

    const seen: MoveProgress[] = [];
    const last = await moveChunksToOpfs(store, hashWasmMd5(), (p) => seen.push(p));
    expect(last).toMatchObject({ done: objects.size + 1, total: objects.size + 1 });
    expect(seen[0]).toMatchObject({ done: 0, total: objects.size + 1 });
    expect(await db.chunks.count()).toBe(0);
    expect((await db.objects.toArray()).every((r) => r.place === 'opfs')).toBe(true);
    expect(await store.has(idOf(lost))).toBe(false); // dropped: it is fetched again when needed
    // A fresh store (another tab) reads every object back from OPFS, byte for byte.
    const reopened = new OpfsBlobStore(makeDb(db.name));
    for (const [id, bytes] of objects) {
      const back = (await reopened.get(id)) ?? new Uint8Array();
      expect(back.byteLength).toBe(bytes.byteLength);
      expect(md5hex(back)).toBe(md5hex(bytes));
    }
    expect(await reopened.usage()).toEqual({
      count: objects.size,
      bytes: [...objects.values()].reduce((n, b) => n + b.byteLength, 0),
    });
    expect((await moveChunksToOpfs(reopened, hashWasmMd5())).total).toBe(0); // nothing left to move
  });
});

runCollected().then((outcomes) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(outcomes));
