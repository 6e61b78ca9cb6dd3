/**
 * The conformance suite every BlobStore implementation must pass (automerge-repo's
 * `runStorageAdapterTests` pattern). Call it from each implementation's test file.
 */
import { describe, expect, it } from 'vitest';
import { BlobNotFoundError, type BlobStore, CHUNK_BYTES } from './blob-store.ts';
import { InvalidOidError } from './errors.ts';

const A = '0cc175b9c0f1b6a831c399e269772661'; // md5("a")
const B = '92eb5ffee6ae2fec3ad71c777531578f'; // md5("b")
const DIR = '153aad06d376b6595932470e459ef42a.dir';

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

export function runBlobStoreTests(name: string, setup: () => Promise<BlobStore>): void {
  describe(`BlobStore conformance: ${name}`, () => {
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
      const empty = 'd41d8cd98f00b204e9800998ecf8427e';
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

    it('refuses names that are not DVC object ids', async () => {
      const store = await setup();
      for (const bad of ['../etc/passwd', A.toUpperCase(), `${A}0`, A.slice(1), `${A}.DIR`, '', `${A}/x`]) {
        await expect(store.put(bad, bytes('x'))).rejects.toBeInstanceOf(InvalidOidError);
        await expect(store.has(bad)).rejects.toBeInstanceOf(InvalidOidError);
      }
    });
  });
}
