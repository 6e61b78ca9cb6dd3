/**
 * Worker thread for `md5-off-thread.ts`: MD5s of several uploads at once, each fed in order as
 * transferred byte arrays, or as views of shared memory that it acknowledges once hashed (the
 * sender reuses that memory after). Kept free of @cairn/core so it starts in milliseconds.
 */
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

export type Md5WorkerMessage =
  /** `ack`: answer `hashed` once done with `bytes` (shared memory the sender will reuse). */
  | { id: number; op: 'update'; bytes: Uint8Array; ack?: boolean }
  | { id: number; op: 'finish' }
  | { id: number; op: 'drop' };
export type Md5WorkerReply = { id: number; op: 'digest'; md5: string } | { id: number; op: 'hashed' };

const hashes = new Map<number, Hash>();

parentPort?.on('message', (m: Md5WorkerMessage) => {
  if (m.op === 'drop') {
    hashes.delete(m.id);
    return;
  }
  let h = hashes.get(m.id);
  if (!h) {
    h = createHash('md5');
    hashes.set(m.id, h);
  }
  if (m.op === 'update') {
    h.update(m.bytes);
    if (m.ack) parentPort?.postMessage({ id: m.id, op: 'hashed' } satisfies Md5WorkerReply);
    return;
  }
  hashes.delete(m.id);
  parentPort?.postMessage({ id: m.id, op: 'digest', md5: h.digest('hex') } satisfies Md5WorkerReply);
});
