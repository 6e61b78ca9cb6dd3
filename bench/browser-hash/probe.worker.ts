/// <reference lib="webworker" />
/**
 * Where the time of hashing goes, measured in one worker of the bench page (the app's own
 * path is timed by main.ts):
 * - `read-byob`: the first file read only, BYOB into one reused 4 MiB buffer (the app's way);
 * - `read-chunks`: the same with the default reader (a fresh buffer per chunk);
 * - `md5-memory`: MD5 alone (hash-wasm) over as many bytes, from one 4 MiB buffer in memory;
 * - `read-each`: every picked file read alone (`file.arrayBuffer()`), one after another;
 * - `read-batched`: the same files read as composite Blobs of ≤4 MiB (the app's way);
 * - `store-bytes` / `store-blob`: the first file read and stored in the data cache (no MD5),
 *   its 4 MiB chunk rows holding a Uint8Array or a Blob (dexie-blob-store.ts ChunkFormat);
 *   timed to the durable commit, then deleted (untimed);
 * - `store-opfs`: the same into the OPFS store (a sync access handle, flushed, then the row);
 * - `hash-store-inplace` / `hash-store-split`: MD5 of the first file while it is written into an
 *   OPFS file and flushed, in this worker (hash and write take turns) or by a worker of this
 *   worker's own (probe-writer.worker.ts: they overlap) — the two shapes the app's store chose
 *   between (opfs-file-thread.ts).
 */
import { createMD5 } from 'hash-wasm';
import { objectId } from '../../app/src/storage/blob-store.ts';
import { getDb } from '../../app/src/storage/db.ts';
import { DexieBlobStore } from '../../app/src/storage/dexie-blob-store.ts';
import { OpfsBlobStore } from '../../app/src/storage/opfs-blob-store.ts';
import { RowFeeder, readPieces } from '../../app/src/workers/hash-task.ts';

export type ProbeMode =
  | 'read-byob'
  | 'read-chunks'
  | 'md5-memory'
  | 'read-each'
  | 'read-batched'
  | 'store-bytes'
  | 'store-blob'
  | 'store-opfs'
  | 'hash-store-inplace'
  | 'hash-store-split';
export interface ProbeResult {
  ms: number;
  bytes: number;
}

const BUFFER = 4 * 1024 * 1024;

let writerWorker: Worker | null = null;

/**
 * MD5 of the first file while it is written into an OPFS file: in this worker, piece by piece
 * (`inplace`), or by a worker of this worker's own (`split`) that gets each piece's buffer
 * transferred and hands it back once written, so hashing and writing overlap.
 */
async function hashStore(first: File, split: boolean): Promise<ProbeResult> {
  const name = `probe-${crypto.randomUUID()}`;
  const md5 = await createMD5();
  md5.init();
  let bytes = 0;
  const t0 = performance.now();
  if (!split) {
    const root = await navigator.storage.getDirectory();
    const handle = await (await root.getFileHandle(name, { create: true })).createSyncAccessHandle();
    await readPieces(
      first.stream(),
      (p) => {
        md5.update(p);
        for (let done = 0; done < p.byteLength; ) done += handle.write(p.subarray(done), { at: bytes + done });
        bytes += p.byteLength;
      },
      () => false,
    );
    handle.flush();
    handle.close();
  } else {
    writerWorker ??= new Worker(new URL('./probe-writer.worker.ts', import.meta.url), { type: 'module' });
    const w = writerWorker;
    const free: ArrayBuffer[] = [];
    let waiting: (() => void) | null = null;
    let finished: (() => void) | null = null;
    let opened: (() => void) | null = null;
    w.onmessage = (e: MessageEvent<{ type: string; buffer?: ArrayBuffer }>) => {
      if (e.data.type === 'written') free.push(e.data.buffer as ArrayBuffer);
      if (e.data.type === 'finished') finished?.();
      if (e.data.type === 'opened') opened?.();
      const wake = waiting;
      waiting = null;
      wake?.();
    };
    for (let i = 0; i < 4; i++) free.push(new ArrayBuffer(BUFFER));
    // Opened before the first piece goes (the worker opens asynchronously, and would take a
    // write that arrives meanwhile with no file).
    await new Promise<void>((r) => {
      opened = r;
      w.postMessage({ type: 'open', name });
    });
    const reader = first.stream().getReader({ mode: 'byob' });
    for (;;) {
      while (free.length === 0) await new Promise<void>((r) => (waiting = r));
      const buf = free.pop() as ArrayBuffer;
      // Fill the whole buffer (BYOB reads come in whatever sizes the browser reads).
      let view = new Uint8Array(buf);
      let filled = 0;
      let done = false;
      while (filled < BUFFER) {
        const r = await reader.read(view.subarray(filled));
        if (r.done || !r.value) {
          done = true;
          view = r.value ? new Uint8Array(r.value.buffer) : view;
          break;
        }
        filled += r.value.byteLength;
        view = new Uint8Array(r.value.buffer);
      }
      if (filled > 0) {
        md5.update(view.subarray(0, filled));
        bytes += filled;
        w.postMessage({ type: 'write', buffer: view.buffer, length: filled }, [view.buffer]);
      } else free.push(view.buffer as ArrayBuffer);
      if (done) break;
    }
    await new Promise<void>((r) => {
      finished = r;
      w.postMessage({ type: 'finish' });
    });
  }
  md5.digest('hex');
  const ms = performance.now() - t0;
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(name);
  return { ms, bytes };
}

async function probe(mode: ProbeMode, files: File[]): Promise<ProbeResult> {
  const first = files[0] as File;
  if (mode === 'hash-store-inplace' || mode === 'hash-store-split')
    return hashStore(first, mode === 'hash-store-split');
  let bytes = 0;
  if (mode === 'store-bytes' || mode === 'store-blob' || mode === 'store-opfs') {
    const store =
      mode === 'store-opfs'
        ? new OpfsBlobStore(getDb())
        : new DexieBlobStore(getDb(), undefined, mode === 'store-blob' ? 'blob' : 'bytes');
    const id = objectId('md5', '0'.repeat(32));
    await store.delete(id);
    const t0 = performance.now();
    const writer = store.writer();
    // As hash-task does: pieces straight into an OPFS file, gathered into rows for IndexedDB.
    const feeder = writer.writesInPlace ? null : new RowFeeder(writer);
    await readPieces(
      first.stream(),
      async (p) => {
        bytes += p.byteLength;
        await (feeder ? feeder.push(p) : writer.write(p));
      },
      () => false,
    );
    await feeder?.finish();
    await writer.commit(id);
    const ms = performance.now() - t0;
    await store.delete(id);
    return { ms, bytes };
  }
  const t0 = performance.now();
  if (mode === 'read-byob') {
    await readPieces(
      first.stream(),
      (p) => {
        bytes += p.byteLength;
      },
      () => false,
    );
  } else if (mode === 'read-chunks') {
    const reader = first.stream().getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.byteLength;
  } else if (mode === 'md5-memory') {
    const md5 = await createMD5();
    const block = new Uint8Array(BUFFER).fill(7);
    md5.init();
    for (; bytes < first.size; bytes += BUFFER) md5.update(block.subarray(0, Math.min(BUFFER, first.size - bytes)));
    bytes = first.size;
    md5.digest('hex');
  } else if (mode === 'read-each') {
    for (const f of files) bytes += (await f.arrayBuffer()).byteLength;
  } else {
    for (let i = 0; i < files.length; ) {
      let j = i;
      let size = 0;
      while (j < files.length && (j === i || size + (files[j] as File).size <= BUFFER))
        size += (files[j++] as File).size;
      bytes += (await new Blob(files.slice(i, j)).arrayBuffer()).byteLength;
      i = j;
    }
  }
  return { ms: performance.now() - t0, bytes };
}

self.onmessage = async (event: MessageEvent<{ mode: ProbeMode; files: File[] }>) => {
  (self as unknown as DedicatedWorkerGlobalScope).postMessage(await probe(event.data.mode, event.data.files));
};
