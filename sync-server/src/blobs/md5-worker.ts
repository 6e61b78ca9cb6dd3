/**
 * Worker thread for `md5-off-thread.ts`: MD5s of several uploads at once, each fed in order as
 * transferred byte arrays. Kept free of @cairn/core so it starts in milliseconds.
 */
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

export type Md5WorkerMessage =
  | { id: number; op: 'update'; bytes: Uint8Array }
  | { id: number; op: 'finish' }
  | { id: number; op: 'drop' };
export interface Md5WorkerReply {
  id: number;
  md5: string;
}

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
    return;
  }
  hashes.delete(m.id);
  parentPort?.postMessage({ id: m.id, md5: h.digest('hex') } satisfies Md5WorkerReply);
});
