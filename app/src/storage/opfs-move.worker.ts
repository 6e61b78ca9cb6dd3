/// <reference lib="webworker" />
/**
 * Moves the data cache's chunk-row objects into OPFS in the background (opfs-move.ts), in a
 * dedicated worker because only there can files be written and flushed durably. One tab at a
 * time: the others' workers find the lock taken and say so. Posts progress as it goes.
 */
import { hashWasmMd5 } from '@cairn/core/hash';
import { getDb } from './db.ts';
import { OpfsBlobStore } from './opfs-blob-store.ts';
import { type MoveProgress, moveChunksToOpfs } from './opfs-move.ts';

export type OpfsMoveMessage =
  | { type: 'progress'; progress: MoveProgress }
  | { type: 'done'; progress: MoveProgress }
  /** Another tab is moving, or this browser cannot write OPFS files. */
  | { type: 'skipped'; reason: 'busy' | 'unsupported' }
  | { type: 'failed'; message: string };

const post = (m: OpfsMoveMessage) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m);

async function run(): Promise<void> {
  const store = new OpfsBlobStore(getDb());
  if (!store.writesToOpfs) {
    post({ type: 'skipped', reason: 'unsupported' });
    return;
  }
  const md5 = hashWasmMd5();
  await navigator.locks.request(`cairn-opfs-move:${store.db.name}`, { ifAvailable: true }, async (lock) => {
    if (!lock) {
      post({ type: 'skipped', reason: 'busy' });
      return;
    }
    const progress = await moveChunksToOpfs(store, md5, (p) => post({ type: 'progress', progress: p }));
    post({ type: 'done', progress });
  });
}

run().catch((error: unknown) => post({ type: 'failed', message: (error as Error)?.message ?? String(error) }));
