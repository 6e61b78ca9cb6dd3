/**
 * Messages between the app and the hash-and-store workers (workers/hash-store.worker.ts).
 * One task = one big file, streamed, or one batch of small files read as one (hash-plan.ts);
 * a message carries a whole task, and its answer all of the task's results, so 10,000 small
 * files cost a few dozen messages rather than 20,000. Tasks belong to a run (one add or one
 * bench); cancelling a run skips its queued tasks and stops a streamed file between pieces.
 */
import type { HashedEntry } from './hash-task.ts';

/** Where stored objects' bytes go: the app's choice (OPFS where it can), or IndexedDB rows. */
export type CacheBackend = 'auto' | 'indexeddb';

export type HashStoreRequest =
  | {
      type: 'task';
      run: number;
      task: number;
      kind: 'stream' | 'batch';
      files: Array<{ id: number; file: Blob }>;
      store: boolean;
      /** `indexeddb`: store in chunk rows even where OPFS is there (the bench's comparison). */
      cache?: CacheBackend;
    }
  | { type: 'cancel'; run: number };

export type HashStoreResponse =
  | { type: 'progress'; run: number; bytes: number }
  | { type: 'done'; run: number; task: number; results: HashedEntry[] }
  /** `stored`: md5s this task newly put in the data cache before it stopped (to remove them). */
  | { type: 'failed'; run: number; task: number; code: string; message: string; stored: string[] }
  | { type: 'cancelled'; run: number; task: number; stored: string[] };
