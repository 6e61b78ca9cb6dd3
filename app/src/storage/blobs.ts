/**
 * The app's shared data cache: bytes in OPFS files, index in the app database (OpfsBlobStore),
 * or all in IndexedDB (DexieBlobStore) in a browser without OPFS.
 */

import { workerCalls } from '../workers/worker-calls.ts';
import type { BlobStore } from './blob-store.ts';
import { getDb } from './db.ts';
import { DexieBlobStore } from './dexie-blob-store.ts';
import { OpfsBlobStore } from './opfs-blob-store.ts';
import { opfsAvailable, syncHandlesAvailable } from './opfs-files.ts';
import type { MoveProgress } from './opfs-move.ts';
import type { OpfsMoveMessage } from './opfs-move.worker.ts';
import { type WorkerWrites, workerWrites } from './opfs-write-client.ts';
import type { OpfsWriteRequest, OpfsWriteResponse } from './opfs-write-protocol.ts';

export type { BlobStore, BlobWriter, ObjectId } from './blob-store.ts';
export { BlobNotFoundError, dataObjectId, OID_PATTERN, objectId } from './blob-store.ts';

let store: BlobStore | null = null;

/** Which backend holds the bytes, as `getBlobStore` picks it in this browser. */
export function blobStoreKind(): 'opfs' | 'indexeddb' {
  return opfsAvailable() ? 'opfs' : 'indexeddb';
}

/**
 * Where a page sends its writes of the data cache: the write worker, which can write OPFS files
 * durably. Only a page (never a worker: one without sync handles would start workers in turn).
 */
function pageWrites(): WorkerWrites | undefined {
  if (syncHandlesAvailable() || typeof Worker === 'undefined' || typeof document === 'undefined') return undefined;
  return writeWorkerWrites();
}

/** Writes handed to a write worker of their own (started on the first message). */
function writeWorkerWrites(): WorkerWrites {
  const call = workerCalls<OpfsWriteRequest, OpfsWriteResponse>(
    () => new Worker(new URL('./opfs-write.worker.ts', import.meta.url), { type: 'module', name: 'cairn-cache-write' }),
    (id, message) => ({ id, ok: false, code: 'worker_crashed', message: `The storage worker stopped: ${message}` }),
  );
  return workerWrites(call);
}

/** The data cache shared by every repository on this device (and by workers of this origin). */
export function getBlobStore(): BlobStore {
  store ??=
    blobStoreKind() === 'opfs'
      ? new OpfsBlobStore(getDb(), undefined, { writesVia: pageWrites() })
      : new DexieBlobStore(getDb());
  return store;
}

/** Where the background move of IndexedDB objects into OPFS stands in this tab. */
export type OpfsMoveState =
  | { state: 'idle' }
  | { state: 'moving'; progress: MoveProgress }
  | { state: 'done'; progress: MoveProgress }
  | { state: 'skipped'; reason: 'busy' | 'unsupported' }
  | { state: 'failed'; message: string };

let moveState: OpfsMoveState = { state: 'idle' };
const moveListeners = new Set<(s: OpfsMoveState) => void>();

/** The move's state now, and a listener for changes (returns an unsubscribe). */
export function watchOpfsMove(listener: (s: OpfsMoveState) => void): () => void {
  moveListeners.add(listener);
  listener(moveState);
  return () => moveListeners.delete(listener);
}

let moveStarted = false;

/**
 * Starts (once per tab) moving objects still in IndexedDB chunk rows — caches from before the
 * OPFS store, and writes made where no write worker runs — into OPFS, in a worker. Nothing is downloaded:
 * objects are readable wherever they are throughout.
 */
export function startOpfsMove(): void {
  if (moveStarted || blobStoreKind() !== 'opfs' || typeof Worker === 'undefined') return;
  moveStarted = true;
  const worker = new Worker(new URL('./opfs-move.worker.ts', import.meta.url), {
    type: 'module',
    name: 'cairn-opfs-move',
  });
  const set = (s: OpfsMoveState) => {
    moveState = s;
    for (const l of moveListeners) l(s);
  };
  worker.onmessage = (event: MessageEvent<OpfsMoveMessage>) => {
    const m = event.data;
    if (m.type === 'progress') set({ state: 'moving', progress: m.progress });
    else if (m.type === 'done') set({ state: 'done', progress: m.progress });
    else if (m.type === 'skipped') set({ state: 'skipped', reason: m.reason });
    else set({ state: 'failed', message: m.message });
    if (m.type !== 'progress') worker.terminate();
  };
  worker.onerror = (event) => {
    event.preventDefault();
    set({ state: 'failed', message: event.message || 'The storage worker stopped.' });
    worker.terminate();
  };
}
