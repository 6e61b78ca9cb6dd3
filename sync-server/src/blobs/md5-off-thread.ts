/**
 * MD5 of a large upload on a worker thread, so the event loop stays free to keep the upload's
 * sockets busy: hashed on the main thread, each 8 MiB part blocked the sockets of the parts in
 * flight and S3 uploads ran at a third of the SDK's own speed (bench/s3-blobs). One worker,
 * started on first use and shared by every upload; it keeps the process alive only while an
 * answer is awaited. The S3 upload's parts live in shared memory, which the worker hashes where
 * it is: no copy per part, and no 8 MiB allocation for V8's garbage collector to chase.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Md5WorkerMessage, Md5WorkerReply } from './md5-worker.ts';

let worker: Worker | null = null;
/** Workers that stopped: a digest asked of one fails at once instead of waiting for ever. */
const stopped = new WeakSet<Worker>();
let nextId = 1;
const waiting = new Map<number, { resolve(md5: string): void; reject(err: Error): void }>();
/** Per hash, in order, the updates of shared memory the worker has yet to acknowledge. */
const unhashed = new Map<number, Array<{ resolve(): void; reject(err: Error): void }>>();
let unhashedCount = 0;

/** The worker keeps the process alive only while an answer is awaited. */
function refWhileAwaited(w: Worker): void {
  if (waiting.size > 0 || unhashedCount > 0) w.ref();
  else w.unref();
}

/**
 * Workers do not inherit the loader that runs this TypeScript: bootstrap through tsx's CommonJS
 * API, as packages/cli/src/hash-pool.ts does.
 */
function theWorker(): Worker {
  if (worker) return worker;
  const require = createRequire(import.meta.url);
  const api = require.resolve('tsx/cjs/api');
  const entry = fileURLToPath(new URL('./md5-worker.ts', import.meta.url));
  const w = new Worker(`require(${JSON.stringify(api)}).require(${JSON.stringify(entry)}, __filename)`, {
    eval: true,
  });
  w.unref();
  w.on('message', (r: Md5WorkerReply) => {
    if (r.op === 'hashed') {
      const queue = unhashed.get(r.id);
      const next = queue?.shift();
      if (queue?.length === 0) unhashed.delete(r.id);
      if (next) unhashedCount--;
      next?.resolve();
      refWhileAwaited(w);
      return;
    }
    waiting.get(r.id)?.resolve(r.md5);
    waiting.delete(r.id);
  });
  const fail = (err: Error) => {
    stopped.add(w);
    if (worker === w) worker = null;
    for (const p of waiting.values()) p.reject(err);
    waiting.clear();
    for (const queue of unhashed.values()) for (const p of queue) p.reject(err);
    unhashed.clear();
    unhashedCount = 0;
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`md5 worker exited with ${code}`)));
  worker = w;
  return w;
}

export interface OffThreadMd5 {
  /**
   * Queues bytes. Bytes in a SharedArrayBuffer are read by the worker where they are, not copied:
   * the promise resolves once it is done with them, and the caller must not change them before.
   * Other bytes are copied at once (the caller may reuse its buffer) and the promise is resolved.
   */
  update(bytes: Uint8Array): Promise<void>;
  /** The digest of everything queued. */
  digest(): Promise<string>;
  /** Forgets this hash (an upload that failed). */
  drop(): void;
}

export function offThreadMd5(): OffThreadMd5 {
  const w = theWorker();
  const id = nextId++;
  const send = (m: Md5WorkerMessage, transfer: ArrayBuffer[] = []) => w.postMessage(m, transfer);
  return {
    update(bytes) {
      if (bytes.buffer instanceof SharedArrayBuffer) {
        if (stopped.has(w)) return Promise.reject(new Error('the md5 worker stopped'));
        return new Promise<void>((resolve, reject) => {
          const queue = unhashed.get(id) ?? [];
          queue.push({ resolve, reject });
          unhashed.set(id, queue);
          unhashedCount++;
          refWhileAwaited(w);
          send({ id, op: 'update', bytes, ack: true });
        });
      }
      // A copy of just these bytes, moved (not cloned again) to the worker.
      const copy = new Uint8Array(bytes);
      send({ id, op: 'update', bytes: copy }, [copy.buffer as ArrayBuffer]);
      return Promise.resolve();
    },
    digest() {
      return new Promise<string>((resolve, reject) => {
        if (stopped.has(w)) return reject(new Error('the md5 worker stopped'));
        waiting.set(id, { resolve, reject });
        refWhileAwaited(w);
        send({ id, op: 'finish' });
      }).finally(() => refWhileAwaited(w));
    },
    drop() {
      send({ id, op: 'drop' });
    },
  };
}
