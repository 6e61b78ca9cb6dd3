/**
 * Messages between the app and the hash-and-store workers (workers/hash-store.worker.ts).
 * One job = one file: the worker reads it in bounded slices, hashes it (DVC 3 md5) and stores
 * it in the data cache in the same pass, so a 2 GB file is read once and never held whole in
 * memory. Jobs belong to a run (one add or one bench); cancelling a run skips its queued jobs
 * and stops its running one between slices.
 */

export type HashStoreRequest =
  | { type: 'job'; run: number; id: number; file: Blob; store: boolean }
  | { type: 'cancel'; run: number };

export type HashStoreResponse =
  | { type: 'progress'; run: number; id: number; bytes: number }
  | { type: 'done'; run: number; id: number; md5: string; size: number; isNew: boolean }
  | { type: 'failed'; run: number; id: number; code: string; message: string }
  | { type: 'cancelled'; run: number; id: number };
