import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import type { HashAlgorithm } from '@cairn/core';
import { describe, expect, it } from 'vitest';
import { BlobHashMismatchError, type BlobStore, BlobTooLargeError } from './blob-store.ts';

/**
 * The behaviour every BlobStore must show (disk, S3), run by each implementation's test:
 * `runBlobStoreConformance('disk', async ({ algorithm }) => ({ store, cleanup }))`. Each call of
 * `setup` must give a fresh, empty store naming blobs by `algorithm` (md5 unless asked).
 */
export function runBlobStoreConformance(
  name: string,
  setup: (opts: { algorithm?: HashAlgorithm }) => Promise<{ store: BlobStore; cleanup(): Promise<void> }>,
): void {
  const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex');

  describe(`BlobStore conformance: ${name}`, () => {
    it('stores bytes under their md5 and reads them back, whole and by range', async () => {
      const { store, cleanup } = await setup({});
      try {
        const body = 'hello, cairn blobs';
        const key = md5(body);
        expect(await store.stat(key)).toBeNull();
        expect(await store.write(key, Readable.from([Buffer.from('hello, '), Buffer.from('cairn blobs')]))).toEqual({
          size: body.length,
          created: true,
        });
        expect(await store.stat(key)).toEqual({ size: body.length });
        expect(await text(store.read(key))).toBe(body);
        expect(await text(store.read(key, { start: 7, end: 11 }))).toBe('cairn');
        expect((await store.write(key, Readable.from([Buffer.from(body)]))).created).toBe(false);
      } finally {
        await cleanup();
      }
    });

    it('refuses bytes that do not match their name and keeps nothing', async () => {
      const { store, cleanup } = await setup({});
      try {
        const key = md5('expected');
        await expect(store.write(key, Readable.from([Buffer.from('something else')]))).rejects.toBeInstanceOf(
          BlobHashMismatchError,
        );
        expect(await store.stat(key)).toBeNull();
        expect(await store.sweep()).toBe(0);
      } finally {
        await cleanup();
      }
    });

    it('stops an upload over the size limit and keeps nothing', async () => {
      const { store, cleanup } = await setup({});
      try {
        const body = Buffer.alloc(10_000, 7);
        const key = md5(body);
        await expect(store.write(key, Readable.from([body]), { maxBytes: 9_999 })).rejects.toBeInstanceOf(
          BlobTooLargeError,
        );
        expect(await store.stat(key)).toBeNull();
      } finally {
        await cleanup();
      }
    });

    it('keeps nothing when the source fails midway', async () => {
      const { store, cleanup } = await setup({});
      try {
        const key = md5('never finished');
        const source = new Readable({ read() {} });
        source.push(Buffer.from('never '));
        setTimeout(() => source.destroy(new Error('client went away')), 5);
        await expect(store.write(key, source)).rejects.toThrow('client went away');
        expect(await store.stat(key)).toBeNull();
        expect(await store.sweep()).toBe(0);
      } finally {
        await cleanup();
      }
    });

    it('survives 20 concurrent writes of one blob: one stored copy, all succeed', async () => {
      const { store, cleanup } = await setup({});
      try {
        const body = Buffer.alloc(200_000, 3);
        const key = md5(body);
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            store.write(key, Readable.from([body.subarray(0, 100_000), body.subarray(100_000)])),
          ),
        );
        expect(results.every((r) => r.size === body.length)).toBe(true);
        expect(await store.stat(key)).toEqual({ size: body.length });
        expect(md5(await buffer(store.read(key)))).toBe(key);
        expect(await store.sweep()).toBe(0);
      } finally {
        await cleanup();
      }
    });

    it('a DVC 2 legacy store names CRLF text by md5-dos2unix and keeps the bytes as sent', async () => {
      const { store, cleanup } = await setup({ algorithm: 'md5-dos2unix' });
      try {
        const crlf = Buffer.from('image,label\r\nimg_0,cell\r\n');
        const key = md5('image,label\nimg_0,cell\n');
        expect((await store.write(key, Readable.from([crlf]))).size).toBe(crlf.length);
        expect(await buffer(store.read(key))).toEqual(crlf);
        // The raw md5 of those bytes is not their name in this store.
        await expect(store.write(md5(crlf), Readable.from([crlf]))).rejects.toBeInstanceOf(BlobHashMismatchError);
        expect(await store.stat(md5(crlf))).toBeNull();
      } finally {
        await cleanup();
      }
    });

    it('touch marks a present blob in use and says false for an absent one', async () => {
      const { store, cleanup } = await setup({});
      try {
        // GC's "in use now" (ops/gc.ts) relies on it: every store here has it.
        expect(store.touch).toBeTypeOf('function');
        const key = md5('in use');
        expect(await store.touch?.(key)).toBe(false);
        await store.write(key, Readable.from([Buffer.from('in use')]));
        expect(await store.touch?.(key)).toBe(true);
        expect(await text(store.read(key))).toBe('in use');
      } finally {
        await cleanup();
      }
    });

    it('refuses keys that are not md5 hex', async () => {
      const { store, cleanup } = await setup({});
      try {
        for (const bad of [
          '../../etc/passwd',
          'ABCDEF0123456789ABCDEF0123456789',
          'a'.repeat(31),
          `${'a'.repeat(32)}/x`,
        ]) {
          await expect(store.stat(bad)).rejects.toMatchObject({ code: 'blob_bad_key' });
        }
      } finally {
        await cleanup();
      }
    });
  });
}
