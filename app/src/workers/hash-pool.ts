/**
 * Hashes (and optionally stores) many files across several hash-and-store workers: each
 * worker takes the next file when it finishes one, so big and small files spread evenly.
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

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 4));
}

function startWorker(): Worker {
  return new Worker(new URL('./hash-store.worker.ts', import.meta.url), { type: 'module', name: 'cairn-hash' });
}

/** Hashes `files` in order of the result array. Rejects with HashCancelledError on abort. */
export function hashFiles(files: readonly Blob[], options: HashOptions): Promise<HashedFile[]> {
  const results: Array<HashedFile | undefined> = new Array(files.length);
  const count = Math.min(options.workers ?? defaultWorkerCount(), Math.max(files.length, 1));
  const workers: Worker[] = [];
  // Largest first, so one huge file does not start last and leave the other workers idle.
  const order = files.map((_, i) => i).sort((a, b) => (files[b]?.size ?? 0) - (files[a]?.size ?? 0));
  let next = 0;
  let finished = 0;
  let stopping: 'cancel' | 'fail' | null = null;
  let failure: { code: string; message: string } | null = null;
  let busy = 0;

  return new Promise<HashedFile[]>((resolve, reject) => {
    const newlyStored = () => results.filter((r): r is HashedFile => !!r?.isNew).map((r) => r.md5);
    const settle = () => {
      if (busy > 0) return;
      for (const w of workers) w.terminate();
      options.signal?.removeEventListener('abort', onAbort);
      if (stopping === 'cancel') reject(new HashCancelledError(newlyStored()));
      else if (stopping === 'fail' && failure)
        reject(new HashFailedError(failure.code, failure.message, newlyStored()));
      else resolve(results as HashedFile[]);
    };
    const stop = (why: 'cancel' | 'fail') => {
      if (stopping) return;
      stopping = why;
      for (const w of workers) w.postMessage({ type: 'cancel' } satisfies HashStoreRequest);
      settle();
    };
    const onAbort = () => stop('cancel');
    const give = (worker: Worker) => {
      if (stopping || next >= order.length) return false;
      const id = order[next++] as number;
      busy++;
      worker.postMessage({ type: 'job', id, file: files[id] as Blob, store: options.store } satisfies HashStoreRequest);
      return true;
    };

    if (options.signal?.aborted) {
      reject(new HashCancelledError([]));
      return;
    }
    options.signal?.addEventListener('abort', onAbort);
    if (files.length === 0) {
      resolve([]);
      return;
    }
    for (let i = 0; i < count; i++) {
      const worker = startWorker();
      workers.push(worker);
      worker.onmessage = (event: MessageEvent<HashStoreResponse>) => {
        const m = event.data;
        if (m.type === 'progress') {
          options.onBytes?.(m.bytes);
          return;
        }
        busy--;
        if (m.type === 'done') {
          results[m.id] = { md5: m.md5, size: m.size, isNew: m.isNew };
          finished++;
        } else if (m.type === 'failed') {
          failure ??= { code: m.code, message: m.message };
          stop('fail');
        }
        if (!give(worker)) settle();
        if (!stopping && finished === files.length) settle();
      };
      worker.onerror = (event) => {
        failure ??= { code: 'worker-crashed', message: event.message || 'A hashing worker stopped.' };
        busy = Math.max(0, busy - 1);
        stop('fail');
      };
      give(worker);
    }
  });
}
