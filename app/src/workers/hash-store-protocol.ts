/**
 * Messages between the app and the hash-and-store workers (workers/hash-store.worker.ts).
 * One job = one file: the worker streams it, hashes it (DVC 3 md5) and stores it in the data
 * cache in the same pass, so a 2 GB file is read once and never held whole in memory.
 */

export type HashStoreRequest = { type: 'job'; id: number; file: Blob; store: boolean } | { type: 'cancel' };

export type HashStoreResponse =
  | { type: 'progress'; id: number; bytes: number }
  | { type: 'done'; id: number; md5: string; size: number; isNew: boolean }
  | { type: 'failed'; id: number; code: string; message: string }
  | { type: 'cancelled'; id: number };
