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
 * - `store-opfs`: the same into the OPFS store (a sync access handle, flushed, then the row).
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
  | 'store-opfs';
export interface ProbeResult {
  ms: number;
  bytes: number;
}

const BUFFER = 4 * 1024 * 1024;

async function probe(mode: ProbeMode, files: File[]): Promise<ProbeResult> {
  const first = files[0] as File;
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
      first,
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
      first,
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
