/**
 * Hashes (and optionally stores) many files across a pool of hash-and-store workers kept for
 * the life of the tab. Files are cut into tasks (hash-plan.ts: big files streamed alone, small
 * files in batches read as one Blob); each worker holds a few tasks in hand so it never waits
 * for the next message.
 */
import { CairnError } from '@cairn/core/errors';
import { planHashTasks } from './hash-plan.ts';
import type { CacheBackend, HashStoreRequest, HashStoreResponse } from './hash-store-protocol.ts';

export interface HashedFile {
  md5: string;
  size: number;
  /** True when this run put the object into the data cache (it was not there before). */
  isNew: boolean;
}

export class HashCancelledError extends CairnError<'cancelled'> {
  constructor(readonly newlyStored: string[]) {
    super('cancelled', 'Adding data was cancelled.');
    this.name = 'HashCancelledError';
  }
}

export class HashFailedError extends CairnError<'hash_failed'> {
  constructor(
    readonly reason: string,
    message: string,
    readonly newlyStored: string[],
  ) {
    super('hash_failed', message);
    this.name = 'HashFailedError';
  }
}

export interface HashOptions {
  store: boolean;
  /** Called with bytes done since the last call. */
  onBytes?: (bytes: number) => void;
  signal?: AbortSignal;
  workers?: number;
  /** Where stored bytes go (default `auto`: OPFS where this browser has it). */
  cache?: CacheBackend;
}

/** Tasks a worker holds at once: one more than it runs (hash-store.worker.ts), so it never idles. */
const DEPTH = 3;

/** One worker per core, at most 4: small files are bound by the browser's IO thread, not by cores. */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 4));
}
type RunHandler = (message: HashStoreResponse, worker: number) => void;
const pool: Worker[] = [];
const runs = new Map<number, RunHandler>();
let nextRun = 1;

function worker(index: number): Worker {
  let w = pool[index];
  if (!w) {
    w = new Worker(new URL('./hash-store.worker.ts', import.meta.url), { type: 'module', name: `cairn-hash-${index}` });
    w.onmessage = (event: MessageEvent<HashStoreResponse>) => runs.get(event.data.run)?.(event.data, index);
    w.onerror = (event) => {
      event.preventDefault();
      for (const handler of runs.values()) {
        handler(
          {
            type: 'failed',
            run: 0,
            task: -1,
            code: 'worker_crashed',
            message: event.message || 'A hashing worker stopped.',
            stored: [],
          },
          index,
        );
      }
    };
    pool[index] = w;
  }
  return w;
}

/** Hashes `files`; results are in the order of `files`. Rejects with HashCancelledError on abort. */
export function hashFiles(files: readonly Blob[], options: HashOptions): Promise<HashedFile[]> {
  const run = nextRun++;
  const tasks = planHashTasks(files.map((f) => f.size));
  const count = Math.min(options.workers ?? defaultWorkerCount(), Math.max(tasks.length, 1));
  const results: Array<HashedFile | undefined> = new Array(files.length);
  const stored = new Set<string>();
  const inHand = new Array<number>(count).fill(0);
  let next = 0;
  let finished = 0;
  let stopping: 'cancel' | 'fail' | null = null;
  let failure: { code: string; message: string } | null = null;

  return new Promise<HashedFile[]>((resolve, reject) => {
    const busy = () => inHand.reduce((a, b) => a + b, 0);
    const settle = () => {
      if (busy() > 0 && failure?.code !== 'worker_crashed') return;
      runs.delete(run);
      options.signal?.removeEventListener('abort', onAbort);
      if (stopping === 'cancel') reject(new HashCancelledError([...stored]));
      else if (stopping === 'fail' && failure) reject(new HashFailedError(failure.code, failure.message, [...stored]));
      else resolve(results as HashedFile[]);
    };
    const stop = (why: 'cancel' | 'fail') => {
      if (stopping) return;
      stopping = why;
      for (let i = 0; i < count; i++) worker(i).postMessage({ type: 'cancel', run } satisfies HashStoreRequest);
      settle();
    };
    const onAbort = () => stop('cancel');
    const fill = (i: number) => {
      while (!stopping && next < tasks.length && (inHand[i] ?? 0) < DEPTH) {
        const task = next++;
        const plan = tasks[task];
        if (!plan) break;
        inHand[i] = (inHand[i] ?? 0) + 1;
        worker(i).postMessage({
          type: 'task',
          run,
          task,
          kind: plan.kind,
          files: plan.ids.map((id) => ({ id, file: files[id] as Blob })),
          store: options.store,
          cache: options.cache,
        } satisfies HashStoreRequest);
      }
    };

    if (options.signal?.aborted) {
      reject(new HashCancelledError([]));
      return;
    }
    if (files.length === 0) {
      resolve([]);
      return;
    }
    options.signal?.addEventListener('abort', onAbort);
    runs.set(run, (m, i) => {
      if (m.type === 'progress') {
        options.onBytes?.(m.bytes);
        return;
      }
      if (m.task >= 0) inHand[i] = Math.max(0, (inHand[i] ?? 0) - 1);
      if (m.type === 'done') {
        for (const r of m.results) {
          results[r.id] = { md5: r.md5, size: r.size, isNew: r.isNew };
          if (r.isNew) stored.add(r.md5);
          finished++;
        }
      } else {
        for (const md5 of m.stored) stored.add(md5);
        if (m.type === 'failed') {
          failure ??= { code: m.code, message: m.message };
          stop('fail');
        }
      }
      fill(i);
      if (stopping || finished === files.length) settle();
    });
    for (let i = 0; i < count; i++) fill(i);
  });
}
