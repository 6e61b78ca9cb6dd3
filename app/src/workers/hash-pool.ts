/**
 * Hashes (and optionally stores) many files across a pool of hash-and-store workers kept for
 * the life of the tab. Each worker holds a few jobs in hand so it never waits for the next
 * message; files go largest first so one big file does not start last.
 */
import type { HashStoreRequest, HashStoreResponse } from './hash-store-protocol.ts';

export interface HashedFile {
  md5: string;
  size: number;
  /** True when this run put the object into the data cache (it was not there before). */
  isNew: boolean;
}

export class HashCancelledError extends Error {
  readonly code = 'cancelled' as const;
  constructor(readonly newlyStored: string[]) {
    super('Adding data was cancelled.');
    this.name = 'HashCancelledError';
  }
}

export class HashFailedError extends Error {
  readonly code = 'hash-failed' as const;
  constructor(
    readonly reason: string,
    message: string,
    readonly newlyStored: string[],
  ) {
    super(message);
    this.name = 'HashFailedError';
  }
}

export interface HashOptions {
  store: boolean;
  /** Called with bytes done since the last call. */
  onBytes?: (bytes: number) => void;
  signal?: AbortSignal;
  workers?: number;
}

/** Jobs a worker holds at once: enough to hide message latency for small files. */
const DEPTH = 64;

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
            id: -1,
            code: 'worker-crashed',
            message: event.message || 'A hashing worker stopped.',
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
  const count = Math.min(options.workers ?? defaultWorkerCount(), Math.max(files.length, 1));
  const results: Array<HashedFile | undefined> = new Array(files.length);
  const order = files.map((_, i) => i).sort((a, b) => (files[b]?.size ?? 0) - (files[a]?.size ?? 0));
  const inHand = new Array<number>(count).fill(0);
  let next = 0;
  let finished = 0;
  let stopping: 'cancel' | 'fail' | null = null;
  let failure: { code: string; message: string } | null = null;

  return new Promise<HashedFile[]>((resolve, reject) => {
    const newlyStored = () => results.filter((r): r is HashedFile => !!r?.isNew).map((r) => r.md5);
    const busy = () => inHand.reduce((a, b) => a + b, 0);
    const settle = () => {
      if (busy() > 0 && failure?.code !== 'worker-crashed') return;
      runs.delete(run);
      options.signal?.removeEventListener('abort', onAbort);
      if (stopping === 'cancel') reject(new HashCancelledError(newlyStored()));
      else if (stopping === 'fail' && failure)
        reject(new HashFailedError(failure.code, failure.message, newlyStored()));
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
      while (!stopping && next < order.length && (inHand[i] ?? 0) < DEPTH) {
        const id = order[next++] as number;
        inHand[i] = (inHand[i] ?? 0) + 1;
        const job: HashStoreRequest = { type: 'job', run, id, file: files[id] as Blob, store: options.store };
        worker(i).postMessage(job);
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
      if (m.id >= 0) inHand[i] = Math.max(0, (inHand[i] ?? 0) - 1);
      if (m.type === 'done') {
        results[m.id] = { md5: m.md5, size: m.size, isNew: m.isNew };
        finished++;
      } else if (m.type === 'failed') {
        failure ??= { code: m.code, message: m.message };
        stop('fail');
      }
      fill(i);
      if (stopping || finished === files.length) settle();
    });
    for (let i = 0; i < count; i++) fill(i);
  });
}
