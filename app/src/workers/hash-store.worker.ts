/// <reference lib="webworker" />
/**
 * A hash-and-store worker: runs the hash tasks the pool sends (hash-task.ts), a couple at once
 * so one task's read round trip overlaps another's hashing, and answers each with all of its
 * results in one message. Cancel stops a run's streamed file between pieces and skips its
 * queued tasks; the answer says which objects were already stored so the add can drop them.
 */
import { hashWasmMd5 } from '@cairn/core/hash';
import type { BlobStore } from '../storage/blob-store.ts';
import { getBlobStore } from '../storage/blobs.ts';
import { getDb } from '../storage/db.ts';
import { DexieBlobStore } from '../storage/dexie-blob-store.ts';
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
 * The data cache, written here: an OPFS file through this worker's sync access handle, each read
 * piece stored before the next is read (in 256 KiB writes, opfs-files.ts). One 512 MiB file, run
 * alone: 1.3–1.4 s, md5sum 0.74 s (2026-12-04). A write worker of this worker's own, to overlap
 * writing with hashing, measured slower (4.2 s against 1.5 s) in a run that, as found later,
 * followed IndexedDB cases whose freed memory slows page-cache writes on this VM for seconds
 * (bench/browser-hash.bench.ts): it is not a proven loss, but writing in place is simpler and
 * leaves MD5 ~65% of the time, so overlap could win at most ~0.3 s.
 */
const cacheOf = (t: Extract<HashStoreRequest, { type: 'task' }>): BlobStore => {
  if (t.cache === 'indexeddb') {
    rowStore ??= new DexieBlobStore(getDb());
    return rowStore;
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
