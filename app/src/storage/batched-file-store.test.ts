import FS from '@isomorphic-git/lightning-fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchedFileStore } from './batched-file-store.ts';

let counter = 0;
const freshName = () => `batched-${++counter}`;
const opened: FS[] = [];

/** A lightning-fs on `name`, with the batched store or lightning-fs's own. */
function fsOn(name: string, batched: boolean): FS {
  const fs = new FS(name, batched ? { db: new BatchedFileStore(name, `${name}_files`) } : {});
  opened.push(fs);
  return fs;
}

/** Bytes that differ per file, so a file read back with another's contents is caught. */
function contentOf(i: number, size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let j = 0; j < size; j++) b[j] = (i * 31 + j * 7) & 0xff;
  return b;
}

/** Counts the read-write transactions IndexedDB opens while `run` runs. */
async function readwriteTransactions(run: () => Promise<void>): Promise<number> {
  const spy = vi.spyOn(IDBDatabase.prototype, 'transaction');
  try {
    await run();
    return spy.mock.calls.filter((c) => c[1] === 'readwrite').length;
  } finally {
    spy.mockRestore();
  }
}

afterEach(async () => {
  // lightning-fs closes its database half a second after its last operation: let it, so the
  // next test's databases do not wait on these.
  await new Promise((r) => setTimeout(r, 600));
  opened.length = 0;
});

describe('BatchedFileStore (lightning-fs file contents, writes committed together)', () => {
  it('files written at once all read back, byte for byte, through lightning-fs’s own store', async () => {
    const name = freshName();
    const fs = fsOn(name, true);
    await fs.promises.mkdir('/repo');
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => fs.promises.writeFile(`/repo/f${i}.bin`, contentOf(i, 1000 + i))),
    );
    await fs.promises.flush();
    await new Promise((r) => setTimeout(r, 600));

    // Another tab, later, with lightning-fs's default store: the same database and keys.
    const plain = fsOn(name, false);
    expect((await plain.promises.readdir('/repo')).length).toBe(40);
    for (let i = 0; i < 40; i++) {
      const back = (await plain.promises.readFile(`/repo/f${i}.bin`)) as Uint8Array;
      expect(back.length).toBe(1000 + i);
      expect(Buffer.from(back).equals(Buffer.from(contentOf(i, 1000 + i)))).toBe(true);
    }
  });

  it('writes made together share transactions (lightning-fs alone opens one per file)', async () => {
    const write = (fs: FS) => () =>
      Promise.all(Array.from({ length: 20 }, (_, i) => fs.promises.writeFile(`/f${i}`, contentOf(i, 100)))).then(
        () => {},
      );
    const batchedFs = fsOn(freshName(), true);
    const plainFs = fsOn(freshName(), false);
    // Opened (and their trees loaded) first, so only the writes are counted.
    await batchedFs.promises.readdir('/');
    await plainFs.promises.readdir('/');
    const batched = await readwriteTransactions(write(batchedFs));
    const plain = await readwriteTransactions(write(plainFs));
    expect(plain).toBeGreaterThanOrEqual(20);
    expect(batched).toBeLessThanOrEqual(2);
  });

  it('keeps the order of operations on one file: written, deleted, written again', async () => {
    const name = freshName();
    const fs = fsOn(name, true);
    const first = fs.promises.writeFile('/a.txt', 'one', 'utf8');
    const gone = fs.promises.unlink('/a.txt');
    await Promise.all([first, gone]);
    await fs.promises.writeFile('/a.txt', 'two', 'utf8');
    expect(await fs.promises.readFile('/a.txt', 'utf8')).toBe('two');
    await fs.promises.flush();
    await new Promise((r) => setTimeout(r, 600));
    expect(await fsOn(name, false).promises.readFile('/a.txt', 'utf8')).toBe('two');
  });

  it('a read made while a write of the same key waits to commit returns what was written', async () => {
    const name = freshName();
    const store = new BatchedFileStore(name, `${name}_files`);
    await store.writeFile(7, new Uint8Array([1]));
    const writing = store.writeFile(7, new Uint8Array([2]));
    const deleting = store.unlink(8);
    expect(await store.readFile(7)).toEqual(new Uint8Array([2]));
    await Promise.all([writing, deleting]);
    expect(await store.readFile(7)).toEqual(new Uint8Array([2]));
    await store.close();
  });

  it('a value IndexedDB cannot store fails the writes of its transaction, and later writes still commit', async () => {
    const name = freshName();
    const store = new BatchedFileStore(name, `${name}_files`);
    const [good, bad] = await Promise.allSettled([
      store.writeFile(1, new Uint8Array([1, 2, 3])),
      store.writeFile(2, (() => {}) as unknown as Uint8Array),
    ]);
    expect(bad).toMatchObject({ status: 'rejected', reason: { name: 'DataCloneError' } });
    expect(good).toMatchObject({ status: 'rejected', reason: { name: 'DataCloneError' } });
    await store.writeFile(3, new Uint8Array([4]));
    expect(await store.readFile(3)).toEqual(new Uint8Array([4]));
    expect(await store.readFile(1)).toBeUndefined();
    await store.close();
  });
});
