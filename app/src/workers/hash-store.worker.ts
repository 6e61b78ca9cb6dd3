/// <reference lib="webworker" />
/**
 * A hash-and-store worker: runs the hash tasks the pool sends (hash-task.ts), a couple at once
 * so one task's read round trip overlaps another's hashing, and answers each with all of its
 * results in one message. Cancel stops a run's streamed file between pieces and skips its
 * queued tasks; the answer says which objects were already stored so the add can drop them.
 */
import { hashWasmMd5 } from '@cairn/core/hash';
import type { BlobStore } from '../storage/blob-store.ts';
import { blobStoreKind, getBlobStore } from '../storage/blobs.ts';
import { getDb } from '../storage/db.ts';
import { DexieBlobStore } from '../storage/dexie-blob-store.ts';
import { OpfsBlobStore } from '../storage/opfs-blob-store.ts';
import { OpfsWriteThread } from '../storage/opfs-file-thread.ts';
import { syncHandlesAvailable } from '../storage/opfs-files.ts';
import type { HashStoreRequest, HashStoreResponse } from './hash-store-protocol.ts';
import { hashBatch, hashStreamed, type TaskContext } from './hash-task.ts';

const post = (message: HashStoreResponse) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(message);

/**
 * Tasks run at once. Memory stays bounded: ≈16 MiB per task (hash-task.ts), so ≈32 MiB per
 * worker whatever the size of the files.
 */
const TASKS_AT_ONCE = 2;

/** WebAssembly MD5 instances, reused across files (instantiating one per file would dominate). */
const md5 = hashWasmMd5();
let rowStore: DexieBlobStore | null = null;
/**
 * The data cache. Where OPFS sync handles exist, its files are written by a worker of this
 * worker's own (opfs-file-thread.ts): each read piece is hashed here while the one before it is
 * being written there. In one worker, hash and write took turns: hash + store of one 512 MiB file
 * took 2.2–2.7 s that way and 1.5–1.95 s with the writer apart (browser-hash probes, same run).
 */
let opfsStore: OpfsBlobStore | null = null;
const cacheOf = (t: Extract<HashStoreRequest, { type: 'task' }>): BlobStore => {
  if (t.cache === 'indexeddb') {
    rowStore ??= new DexieBlobStore(getDb());
    return rowStore;
  }
  if (blobStoreKind() === 'opfs' && syncHandlesAvailable() && typeof Worker !== 'undefined') {
    opfsStore ??= new OpfsBlobStore(getDb(), md5, {
      writeThread: new OpfsWriteThread(
        () =>
          new Worker(new URL('../storage/opfs-file-thread.worker.ts', import.meta.url), {
            type: 'module',
            name: 'cairn-cache-file-writer',
          }),
      ),
    });
    return opfsStore;
  }
  return getBlobStore();
};
const cancelledRuns = new Set<number>();
const queue: Array<Extract<HashStoreRequest, { type: 'task' }>> = [];
let active = 0;

async function runTask(t: Extract<HashStoreRequest, { type: 'task' }>): Promise<void> {
  const ctx: TaskContext = {
    store: t.store ? cacheOf(t) : null,
    md5,
    cancelled: () => cancelledRuns.has(t.run),
    progress: (bytes) => post({ type: 'progress', run: t.run, bytes }),
  };
  const first = t.files[0];
  const outcome =
    t.kind === 'stream' && first ? await hashStreamed(first.id, first.file, ctx) : await hashBatch(t.files, ctx);
  post({ ...outcome, run: t.run, task: t.task });
}

function drain(): void {
  while (active < TASKS_AT_ONCE && queue.length > 0) {
    const t = queue.shift();
    if (!t) break;
    if (cancelledRuns.has(t.run)) {
      post({ type: 'cancelled', run: t.run, task: t.task, stored: [] });
      continue;
    }
    active++;
    void runTask(t)
      .catch((error: unknown) =>
        post({ type: 'failed', run: t.run, task: t.task, code: 'worker', message: String(error), stored: [] }),
      )
      .finally(() => {
        active--;
        drain();
      });
  }
}

self.onmessage = (event: MessageEvent<HashStoreRequest>) => {
  const message = event.data;
  if (message.type === 'cancel') cancelledRuns.add(message.run);
  else {
    queue.push(message);
    drain();
  }
};
