/**
 * The page of test/e2e/opfs-blob-store.test.ts: runs the blob-store suites in a dedicated worker
 * (where OPFS sync access handles exist) and hands back each test's outcome; `pageWrites` writes
 * through the app's data cache as a page does (no sync handles here: via the write worker).
 */
import { createMD5 } from 'hash-wasm';
import { objectId } from '../../../app/src/storage/blob-store.ts';
import { getBlobStore } from '../../../app/src/storage/blobs.ts';
import { getDb } from '../../../app/src/storage/db.ts';
import { packFolderName, StoredPacks } from '../../../app/src/storage/git-packs.ts';
import type { TestOutcome } from './vitest-shim.ts';

declare global {
  interface Window {
    runSuites(): Promise<TestOutcome[]>;
    pageWrites(): Promise<{
      isNew: boolean[];
      places: Array<string | null>;
      readBack: string[];
      expected: string[];
      afterDelete: number;
      /** The streamed object read back as a Blob of its OPFS file (no copy in memory). */
      diskBlob: string;
      /** The batch stored again by the worker after the page deleted it (a hang once, bench round 2). */
      againIsNew: boolean[];
    }>;
    /** A git pack file in OPFS read whole and by range (StoredPacks.open): each read equal to its bytes? */
    storedPackReads(): Promise<{ whole: boolean; ranged: boolean; ranges: boolean[] }>;
  }
}

window.runSuites = () =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./suites.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<TestOutcome[]>) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(e.message || 'the suites worker failed to start'));
  });

async function md5(bytes: Uint8Array): Promise<string> {
  const h = await createMD5();
  h.init();
  h.update(bytes);
  return h.digest('hex');
}

window.pageWrites = async () => {
  const store = getBlobStore();
  // A streamed object over several pieces (as a download writes it), and a batch of small ones.
  const big = new Uint8Array(3 * 1024 * 1024 + 123).map((_, i) => (i * 7 + (i >> 11)) & 0xff);
  const small = [1, 2, 3].map((n) => new TextEncoder().encode(`small object ${n}`));
  const all = [big, ...small];
  const ids = await Promise.all(all.map(async (b) => objectId('md5', await md5(b))));
  const writer = store.writer();
  for (let at = 0; at < big.byteLength; at += 65_536) await writer.write(big.subarray(at, at + 65_536));
  const isNew = [await writer.commit(ids[0] as (typeof ids)[0])];
  isNew.push(...(await store.putMany(small.map((bytes, i) => ({ id: ids[i + 1] as (typeof ids)[0], bytes })))));
  const rows = await getDb().objects.bulkGet(ids);
  const readBack = await Promise.all(ids.map(async (id) => md5((await store.get(id)) ?? new Uint8Array())));
  const onDisk = await store.diskBlob?.(ids[0] as (typeof ids)[0]);
  const diskBlob = onDisk ? await md5(new Uint8Array(await onDisk.arrayBuffer())) : 'none';
  await store.deleteMany(ids);
  const againIsNew = await store.putMany(small.map((bytes, i) => ({ id: ids[i + 1] as (typeof ids)[0], bytes })));
  await store.deleteMany(ids);
  return {
    againIsNew,
    isNew,
    places: rows.map((r) => r?.place ?? null),
    readBack,
    expected: await Promise.all(all.map(md5)),
    afterDelete: (await store.usage()).count,
    diskBlob,
  };
};

window.storedPackReads = async () => {
  // Made-up bytes under a pack's name: StoredPacks serves bytes, the git reader parses them.
  const fsName = 'e2e-stored-packs';
  const name = `pack-${'ab'.repeat(20)}.pack`;
  const bytes = new Uint8Array(1_500_000).map((_, i) => (i * 31 + (i >> 9)) & 0xff);
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(packFolderName(fsName), { create: true });
  const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
  await writable.write(bytes);
  await writable.close();
  const equal = (a: Uint8Array, at: number) => a.every((b, i) => b === bytes[at + i]);
  const whole = await new StoredPacks(fsName).open(name);
  const byRange = await new StoredPacks(fsName, { wholePackBytes: 0 }).open(name);
  const ranges: boolean[] = [];
  if (byRange && !(byRange instanceof Uint8Array)) {
    // Inside one block, straddling two, a block or more (uncached), the last bytes, one read again.
    for (const [at, length] of [
      [10, 100],
      [262_100, 200],
      [300_000, 600_000],
      [1_499_990, 10],
      [10, 100],
    ] as const) {
      ranges.push(equal(await byRange.read(at, length), at));
    }
  }
  await root.removeEntry(packFolderName(fsName), { recursive: true });
  return {
    whole: whole instanceof Uint8Array && whole.byteLength === bytes.byteLength && equal(whole, 0),
    ranged: byRange !== null && !(byRange instanceof Uint8Array) && byRange.size === bytes.byteLength,
    ranges,
  };
};
