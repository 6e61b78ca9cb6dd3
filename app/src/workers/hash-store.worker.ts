/// <reference lib="webworker" />
/**
 * A hash-and-store worker: reads a file as a stream, feeds each piece to an incremental MD5
 * (hash-wasm, as DVC 3 hashes files) and to a data-cache writer, then commits the object under
 * its hash. Cancel stops between pieces and drops what was written. Hashing is core's
 * `FileHasher` (DVC 3 `md5`), so the browser's hashes are exactly DVC's and the CLI's.
 */

import { FileHasher, hashWasmMd5 } from '@cairn/core/hash/index';
import { getBlobStore } from '../storage/blobs.ts';
import type { HashStoreRequest, HashStoreResponse } from './hash-store-protocol.ts';

const post = (message: HashStoreResponse) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(message);
/** Progress is reported about this often (bytes), not per piece: messages cost time too. */
const PROGRESS_EVERY = 4 * 1024 * 1024;

const md5Factory = hashWasmMd5();
let cancelled = false;
const queue: Array<{ id: number; file: Blob; store: boolean }> = [];
let running = false;

async function runJob(id: number, file: Blob, store: boolean): Promise<void> {
  const hasher = new FileHasher(await md5Factory(), 'md5');
  const writer = store ? getBlobStore().writer() : null;
  let bytes = 0;
  let reported = 0;
  const reader = file.stream().getReader();
  try {
    for (;;) {
      if (cancelled) {
        await reader.cancel();
        await writer?.abort();
        post({ type: 'cancelled', id });
        return;
      }
      const { done, value } = await reader.read();
      if (done) break;
      hasher.push(value);
      if (writer) await writer.write(value);
      bytes += value.byteLength;
      if (bytes - reported >= PROGRESS_EVERY) {
        post({ type: 'progress', id, bytes: bytes - reported });
        reported = bytes;
      }
    }
    const hex = hasher.finish().md5;
    const isNew = writer ? await writer.commit(hex) : false;
    if (bytes > reported) post({ type: 'progress', id, bytes: bytes - reported });
    post({ type: 'done', id, md5: hex, size: bytes, isNew });
  } catch (error) {
    await writer?.abort().catch(() => {});
    const e = error as { code?: string; message?: string };
    post({ type: 'failed', id, code: e.code ?? 'read-failed', message: e.message ?? String(error) });
  }
}

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  while (queue.length) {
    const job = queue.shift();
    if (!job) break;
    if (cancelled) post({ type: 'cancelled', id: job.id });
    else await runJob(job.id, job.file, job.store);
  }
  running = false;
}

self.onmessage = (event: MessageEvent<HashStoreRequest>) => {
  const message = event.data;
  if (message.type === 'cancel') {
    cancelled = true;
    return;
  }
  queue.push({ id: message.id, file: message.file, store: message.store });
  void drain();
};
