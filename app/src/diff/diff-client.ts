/**
 * The page's one diff worker, started on first use, and a promise per request. A worker that
 * crashes or fails to load answers every waiting request with a failure (and the next request
 * starts a new worker), so no diff waits forever.
 */
import type { TableDiffHead } from '@cairn/core/diff';
import type { DiffFailure, DiffRequest, DiffResponse, DiffResults } from './diff-protocol.ts';

/** A diff that could not be made; `code` is the worker's (e.g. `not_json`, `csv_ragged`). */
export class DiffError extends Error {
  override readonly name = 'DiffError';
  constructor(readonly failure: DiffFailure) {
    super(failure.message);
  }
  get code() {
    return this.failure.code;
  }
}

type Waiting = {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  onHead?: ((head: TableDiffHead) => void) | undefined;
};

let worker: Worker | null = null;
let nextId = 0;
const waiting = new Map<number, Waiting>();

function failAll(message: string) {
  for (const w of waiting.values()) w.reject(new DiffError({ code: 'worker_crashed', message }));
  waiting.clear();
  worker?.terminate();
  worker = null;
}

function start(): Worker {
  const w = new Worker(new URL('./diff.worker.ts', import.meta.url), { type: 'module' });
  w.onmessage = (event: MessageEvent<DiffResponse>) => {
    const m = event.data;
    const pending = waiting.get(m.id);
    if (!pending) return;
    if ('head' in m) {
      pending.onHead?.(m.head);
      return;
    }
    waiting.delete(m.id);
    if (m.ok) pending.resolve(m.result);
    else pending.reject(new DiffError(m.error));
  };
  w.onerror = (event) => {
    event.preventDefault();
    failAll(`The diff worker stopped: ${event.message || 'it could not load'}.`);
  };
  return w;
}

export interface DiffCallOptions {
  /** Buffers moved to the worker rather than copied (they are unusable here afterwards). */
  transfer?: ArrayBuffer[];
  /** A streaming request's early part (a table diff's first rows). */
  onHead?: (head: TableDiffHead) => void;
}

export function diffInWorker<T extends DiffRequest>(
  request: T,
  options: DiffCallOptions = {},
): Promise<DiffResults[T['type']]> {
  worker ??= start();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, onHead: options.onHead });
    worker?.postMessage({ id, request }, options.transfer ?? []);
  });
}
