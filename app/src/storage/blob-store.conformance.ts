/**
 * The conformance suite every BlobStore implementation must pass (automerge-repo's
 * `runStorageAdapterTests` pattern). Call it from each implementation's test file.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlobNotFoundError, type BlobStore, CHUNK_BYTES, type ObjectId, objectId } from './blob-store.ts';
import { InvalidOidError, StorageFullError } from './errors.ts';

const A = objectId('md5', '0cc175b9c0f1b6a831c399e269772661'); // md5("a")
const B = objectId('md5', '92eb5ffee6ae2fec3ad71c777531578f'); // md5("b")
const DIR = objectId('md5', '153aad06d376b6595932470e459ef42a.dir');
const md5hex = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

const bytes = (text: string) => new TextEncoder().encode(text);

function pattern(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<number[]> {
  const out: number[] = [];
  for await (const c of chunks) out.push(...c);
  return out;
}

/** Ways a suite run can make the store's backend fail (stores that cannot fail leave it out). */
export interface FailureHooks {
  /** From now on, the backend accepts `writes` more row writes, then refuses with a quota error. Returns an undo. */
  fullAfter(writes: number): () => void;
}

export function runBlobStoreTests(name: string, setup: () => Promise<BlobStore>, failures?: FailureHooks): void {
  describe(`BlobStore conformance: ${name}`, () => {
    it('stores many objects at once, skipping ids already stored or repeated', async () => {
      const store = await setup();
      await store.put(A, bytes('a'));
      const big = pattern(CHUNK_BYTES + 3); // more than one row still works
      const bigId = objectId('md5', md5hex(big));
      const batch = pattern(300);
      const parts = [
        { id: A, bytes: bytes('a') },
        { id: B, bytes: bytes('b') },
        // Views into one larger buffer, as a batch of small files is read.
        { id: objectId('md5', md5hex(batch.subarray(0, 100))), bytes: batch.subarray(0, 100) },
        { id: objectId('md5', md5hex(batch.subarray(100))), bytes: batch.subarray(100) },
        { id: B, bytes: bytes('b') },
        { id: bigId, bytes: big },
        { id: objectId('md5', 'd41d8cd98f00b204e9800998ecf8427e'), bytes: new Uint8Array() },
      ];
      expect(await store.putMany(parts)).toEqual([false, true, true, true, false, true, true]);
      for (const p of parts) {
        expect(await store.size(p.id)).toBe(p.bytes.byteLength);
        expect(Buffer.from((await store.get(p.id)) ?? []).equals(Buffer.from(p.bytes))).toBe(true);
      }
      expect(await store.usage()).toEqual({ count: 6, bytes: 1 + 1 + 300 + big.byteLength });
      expect(await store.putMany([])).toEqual([]);
      batch.fill(0); // the caller's buffer is reused: what was stored stays
      expect(md5hex((await store.get(parts[2]?.id as ObjectId)) ?? new Uint8Array())).toBe(parts[2]?.id.slice(4));
    });

    it('stores none of a batch holding a bad id, keeping what was stored before', async () => {
      const store = await setup();
      await store.put(A, bytes('a'));
      const bad = { id: 'md5/../../x' as ObjectId, bytes: bytes('x') };
      await expect(store.putMany([{ id: B, bytes: bytes('b') }, bad])).rejects.toBeInstanceOf(InvalidOidError);
      expect(await store.has(B)).toBe(false);
      expect(await store.usage()).toEqual({ count: 1, bytes: 1 });
    });

    // Only for stores that can fail (no skipped test for those that cannot).
    (failures ? it : () => {})('a full disk mid-batch stores none of it and keeps earlier objects', async () => {
      const store = await setup();
      await store.put(A, bytes('a'));
      const many = Array.from({ length: 20 }, (_, i) => bytes(`object ${i}`));
      const undo = failures?.fullAfter(7) ?? (() => {});
      let error: unknown;
      try {
        error = await store.putMany(many.map((b) => ({ id: objectId('md5', md5hex(b)), bytes: b }))).catch((e) => e);
      } finally {
        undo();
      }
      expect(error).toBeInstanceOf(StorageFullError);
      expect((error as StorageFullError).code).toBe('storage_full');
      expect(await store.missing(many.map((b) => objectId('md5', md5hex(b))))).toHaveLength(many.length);
      expect(await store.usage()).toEqual({ count: 1, bytes: 1 });
      expect(new TextDecoder().decode((await store.get(A)) ?? new Uint8Array())).toBe('a');
      expect(await store.sweep(-1)).toBe(0); // no half-written rows left behind either
      // Once there is room again, the same batch goes in whole.
      expect(await store.putMany([{ id: B, bytes: bytes('b') }])).toEqual([true]);
    });

    it('stores an object and returns the same bytes by oid', async () => {
      const store = await setup();
      expect(await store.put(A, bytes('a'))).toBe(true);
      expect(await store.has(A)).toBe(true);
      expect(await store.size(A)).toBe(1);
      expect(new TextDecoder().decode((await store.get(A)) ?? new Uint8Array())).toBe('a');
      expect(await store.usage()).toEqual({ count: 1, bytes: 1 });
    });

    it('says absent objects are absent', async () => {
      const store = await setup();
      expect(await store.has(B)).toBe(false);
      expect(await store.get(B)).toBeNull();
      expect(await store.size(B)).toBeNull();
      await expect(collect(store.chunks(B))).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    it('lists missing oids once each, in the order asked', async () => {
      const store = await setup();
      await store.put(A, bytes('a'));
      expect(await store.missing([DIR, A, B, DIR])).toEqual([DIR, B]);
      expect(await store.missing([])).toEqual([]);
    });

    it('keeps the first copy when an object is stored twice', async () => {
      const store = await setup();
      expect(await store.put(A, bytes('a'))).toBe(true);
      expect(await store.put(A, bytes('a'))).toBe(false);
      expect(await store.usage()).toEqual({ count: 1, bytes: 1 });
    });

    it('streams a multi-chunk object in and out unchanged', async () => {
      const store = await setup();
      const data = pattern(CHUNK_BYTES * 2 + 12345);
      const w = store.writer();
      for (let at = 0; at < data.length; at += 1_000_003) await w.write(data.subarray(at, at + 1_000_003));
      expect(w.size).toBe(data.length);
      expect(await w.commit(B)).toBe(true);
      expect(await store.size(B)).toBe(data.length);
      const back = await store.get(B);
      expect(back?.length).toBe(data.length);
      expect(Buffer.from(back ?? []).equals(Buffer.from(data))).toBe(true);
      let total = 0;
      for await (const c of store.chunks(B)) total += c.byteLength;
      expect(total).toBe(data.length);
    });

    it('stores the empty object', async () => {
      const store = await setup();
      const empty = objectId('md5', 'd41d8cd98f00b204e9800998ecf8427e');
      expect(await store.put(empty, new Uint8Array())).toBe(true);
      expect((await store.get(empty))?.byteLength).toBe(0);
    });

    it('shows nothing of a write until it commits, and nothing after an abort', async () => {
      const store = await setup();
      const w = store.writer();
      await w.write(bytes('partial'));
      expect(await store.has(A)).toBe(false);
      await w.abort();
      expect(await store.has(A)).toBe(false);
      expect(await store.usage()).toEqual({ count: 0, bytes: 0 });
    });

    it('deletes an object', async () => {
      const store = await setup();
      await store.put(A, bytes('a'));
      await store.put(DIR, bytes('[]'));
      await store.delete(A);
      expect(await store.has(A)).toBe(false);
      expect(await store.has(DIR)).toBe(true);
      await store.delete(A); // deleting twice is fine
    });

    it('deletes many objects at once (more than one batch), leaving the others and no bytes behind', async () => {
      const store = await setup();
      // 1,200 small objects (more than one delete transaction's worth) in batches, as hashing a
      // folder stores them, then one on its own.
      const all = Array.from({ length: 1200 }, (_, i) => bytes(`object ${i}`));
      const ids = all.map((b) => objectId('md5', md5hex(b)));
      for (let i = 0; i < all.length; i += 250) {
        await store.putMany(all.slice(i, i + 250).map((b, j) => ({ id: ids[i + j] as ObjectId, bytes: b })));
      }
      await store.put(A, bytes('a'));
      const kept = ids.filter((_, i) => i % 100 === 0);
      const doomed = ids.filter((_, i) => i % 100 !== 0);
      await store.deleteMany([...doomed, B, doomed[0] as ObjectId]); // B was never stored; a repeat is fine
      expect(await store.missing(ids)).toEqual(doomed);
      expect(await store.has(A)).toBe(true);
      for (const id of kept)
        expect(Buffer.from((await store.get(id)) ?? []).toString()).toBe(`object ${ids.indexOf(id)}`);
      await store.deleteMany([...kept, A]);
      expect(await store.usage()).toEqual({ count: 0, bytes: 0 });
      await expect(store.deleteMany([A, 'md5/nope' as ObjectId])).rejects.toBeInstanceOf(InvalidOidError);
      expect(await store.sweep(-1)).toBe(0); // every pack and chunk row went with its last object
    }, 60_000);

    it('refuses names that are not data object ids', async () => {
      const store = await setup();
      const hex = A.slice('md5/'.length);
      const bads = ['../etc/passwd', A.toUpperCase(), `${A}0`, A.slice(0, -1), `${A}.DIR`, '', `${A}/x`, hex];
      for (const bad of [...bads, `sha256/${hex}`, `md5/../${hex}`, `md5-dos2unix/${hex.toUpperCase()}`]) {
        await expect(store.put(bad as ObjectId, bytes('x'))).rejects.toBeInstanceOf(InvalidOidError);
        await expect(store.has(bad as ObjectId)).rejects.toBeInstanceOf(InvalidOidError);
      }
    });

    it('keeps a DVC 2 (md5-dos2unix) object and a DVC 3 (md5) object of the same hex apart', async () => {
      const store = await setup();
      // A CRLF text file: DVC 2 names it by the md5 of its LF form, DVC 3 by the md5 of its bytes.
      const crlf = bytes('x,y\r\n1,2\r\n');
      const lf = bytes('x,y\n1,2\n');
      const legacy = objectId('md5-dos2unix', md5hex(lf));
      const sameHexDvc3 = objectId('md5', md5hex(lf)); // the LF file tracked by DVC 3
      const crlfDvc3 = objectId('md5', md5hex(crlf)); // the CRLF file tracked by DVC 3
      expect(await store.put(legacy, crlf)).toBe(true);
      expect(await store.missing([legacy, sameHexDvc3, crlfDvc3])).toEqual([sameHexDvc3, crlfDvc3]);
      expect(await store.put(sameHexDvc3, lf)).toBe(true);
      expect(await store.put(crlfDvc3, crlf)).toBe(true);
      expect(Buffer.from((await store.get(legacy)) ?? []).toString()).toBe('x,y\r\n1,2\r\n');
      expect(Buffer.from((await store.get(sameHexDvc3)) ?? []).toString()).toBe('x,y\n1,2\n');
      expect(Buffer.from((await store.get(crlfDvc3)) ?? []).toString()).toBe('x,y\r\n1,2\r\n');
      expect(await store.size(legacy)).toBe(crlf.byteLength);
      expect(await store.size(sameHexDvc3)).toBe(lf.byteLength);
      await store.delete(sameHexDvc3);
      expect(await store.has(sameHexDvc3)).toBe(false);
      expect(Buffer.from((await store.get(legacy)) ?? []).toString()).toBe('x,y\r\n1,2\r\n');
    });
  });
}
