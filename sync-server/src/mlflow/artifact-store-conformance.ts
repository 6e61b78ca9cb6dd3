import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import type { ArtifactStore } from './artifact-store.ts';

/**
 * The behaviour every ArtifactStore must show (disk, S3), run by each implementation's test:
 * `runArtifactStoreConformance('disk', async () => ({ store, cleanup }))`. Each call of `setup`
 * must give a fresh, empty store.
 */
export function runArtifactStoreConformance(
  name: string,
  setup: () => Promise<{ store: ArtifactStore; cleanup(): Promise<void> }>,
): void {
  const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
  const body = (...parts: string[]) => Readable.from(parts.map((p) => Buffer.from(p)));
  const read = async (store: ArtifactStore, repoId: number, p: string) => text((await store.open(repoId, p)).read());
  const withStore = (fn: (store: ArtifactStore) => Promise<void>) => async () => {
    const { store, cleanup } = await setup();
    try {
      await fn(store);
    } finally {
      await cleanup();
    }
  };

  describe(`ArtifactStore conformance: ${name}`, () => {
    it(
      'stores nested paths, lists each folder and reads files back',
      withStore(async (store) => {
        expect(await store.put(1, '0/run/artifacts/a/b.txt', body('hel', 'lo'), 100)).toBe(5);
        expect(await store.put(1, '0/run/artifacts/model.pkl', body('weights'), 100)).toBe(7);
        expect(await store.list(1, '0/run/artifacts')).toEqual([
          { name: 'a', isDir: true, size: 0 },
          { name: 'model.pkl', isDir: false, size: 7 },
        ]);
        expect(await store.list(1, '/0/run/artifacts/a/')).toEqual([{ name: 'b.txt', isDir: false, size: 5 }]);
        expect(await store.list(1, '')).toEqual([{ name: '0', isDir: true, size: 0 }]);
        expect((await store.open(1, '0/run/artifacts/a/b.txt')).size).toBe(5);
        expect(await read(store, 1, '0/run/artifacts/a/b.txt')).toBe('hello');
        // Another repository sees none of it; absent folders list empty, as in MLflow.
        expect(await store.list(2, '0/run/artifacts')).toEqual([]);
        expect(await store.list(1, 'no/such/folder')).toEqual([]);
      }),
    );

    it(
      'answers RESOURCE_DOES_NOT_EXIST for a folder or an absent file',
      withStore(async (store) => {
        await store.put(1, 'a/b.txt', body('x'), 10);
        for (const p of ['a', 'a/c.txt', '', 'b.txt']) {
          await expect(store.open(1, p)).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
        }
        await expect(store.open(2, 'a/b.txt')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
      }),
    );

    it(
      'keeps the SHA-256 and size of every upload, and of the new bytes after an overwrite',
      withStore(async (store) => {
        await store.put(3, 'metrics/report.json', body('{"a":1}'), 100);
        expect(await store.checksum(3, 'metrics/report.json')).toEqual({ sha256: sha256('{"a":1}'), size: 7 });
        await store.put(3, 'metrics/report.json', body('{"a":2,"b":3}'), 100);
        expect(await store.checksum(3, 'metrics/report.json')).toEqual({ sha256: sha256('{"a":2,"b":3}'), size: 13 });
        expect(await store.checksum(3, 'metrics/absent.json')).toBeNull();
        // The records are never listed as artifacts.
        expect(await store.list(3, 'metrics')).toEqual([{ name: 'report.json', isDir: false, size: 13 }]);
      }),
    );

    it.each(['../x', 'a/../../x', 'a//b', './a', 'a\\..\\b', 'a/\0', '.cairn-upload-1', `${'a/'.repeat(600)}x`])(
      'refuses the path %j and stores nothing',
      async (p) => {
        const { store, cleanup } = await setup();
        try {
          await expect(store.put(1, p, body('x'), 100)).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
          await expect(store.list(1, p)).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
          await expect(store.open(1, p)).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
          expect(await store.list(1, '')).toEqual([]);
        } finally {
          await cleanup();
        }
      },
    );

    it(
      'refuses an upload to the root, under a file, or over a folder',
      withStore(async (store) => {
        await store.put(1, 'a/b.txt', body('x'), 10);
        await expect(store.put(1, '', body('x'), 10)).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
        await expect(store.put(1, 'a', body('x'), 10)).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
        await expect(store.put(1, 'a/b.txt/c', body('x'), 10)).rejects.toMatchObject({
          code: 'INVALID_PARAMETER_VALUE',
        });
        expect(await store.list(1, '')).toEqual([{ name: 'a', isDir: true, size: 0 }]);
        expect(await store.list(1, 'a')).toEqual([{ name: 'b.txt', isDir: false, size: 1 }]);
      }),
    );

    it(
      'an upload over the size limit fails with 413 and keeps the old file whole',
      withStore(async (store) => {
        await store.put(1, 'f.bin', body('old'), 10);
        await expect(
          store.put(1, 'f.bin', Readable.from([Buffer.alloc(8), Buffer.alloc(8)]), 10),
        ).rejects.toMatchObject({ status: 413 });
        expect(await read(store, 1, 'f.bin')).toBe('old');
        expect(await store.checksum(1, 'f.bin')).toEqual({ sha256: sha256('old'), size: 3 });
        expect(await store.list(1, '')).toEqual([{ name: 'f.bin', isDir: false, size: 3 }]);
      }),
    );

    it(
      'an upload cut off midway is never visible: readers see the old file, then nothing new',
      withStore(async (store) => {
        await store.put(1, 'model.bin', body('version 1'), 1000);
        const source = new Readable({ read() {} });
        source.push(Buffer.from('version 2, first half'));
        const upload = store.put(1, 'model.bin', source, 1000);
        // While the new bytes are arriving, the old artifact is what a reader gets.
        expect(await read(store, 1, 'model.bin')).toBe('version 1');
        source.destroy(new Error('client went away'));
        await expect(upload).rejects.toThrow('client went away');
        expect(await read(store, 1, 'model.bin')).toBe('version 1');
        expect(await store.list(1, '')).toEqual([{ name: 'model.bin', isDir: false, size: 9 }]);
      }),
    );

    it(
      'an overwrite replaces the file whole once its last byte arrived',
      withStore(async (store) => {
        await store.put(1, 'model.bin', body('version 1'), 1000);
        const source = new Readable({ read() {} });
        source.push(Buffer.from('version 2, '));
        const upload = store.put(1, 'model.bin', source, 1000);
        expect(await read(store, 1, 'model.bin')).toBe('version 1');
        source.push(Buffer.from('complete'));
        source.push(null);
        expect(await upload).toBe(19);
        expect(await read(store, 1, 'model.bin')).toBe('version 2, complete');
      }),
    );

    it(
      'removeRepo takes every artifact and record of one repository, and nothing of another',
      withStore(async (store) => {
        await store.put(5, 'run/a/model.bin', body('five'), 100);
        await store.put(5, 'run/notes.txt', body('five notes'), 100);
        await store.put(6, 'run/a/model.bin', body('six'), 100);
        await store.removeRepo(5);
        expect(await store.list(5, '')).toEqual([]);
        expect(await store.checksum(5, 'run/a/model.bin')).toBeNull();
        await expect(store.open(5, 'run/notes.txt')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
        expect(await read(store, 6, 'run/a/model.bin')).toBe('six');
        expect(await store.checksum(6, 'run/a/model.bin')).toEqual({ sha256: sha256('six'), size: 3 });
        await store.removeRepo(7); // nothing there: no error
      }),
    );

    it(
      'binary bytes come back unchanged',
      withStore(async (store) => {
        const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
        expect(
          await store.put(4, 'data/blob.bin', Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), 1e6),
        ).toBe(bytes.length);
        expect(sha256(await buffer((await store.open(4, 'data/blob.bin')).read()))).toBe(sha256(bytes));
      }),
    );
  });
}
