/**
 * Messages between a page and the data-cache write worker (opfs-write.worker.ts). A page cannot
 * write OPFS files durably (sync access handles exist only in dedicated workers), so its writes
 * of the data cache — downloads, manifests — are sent there as pieces and land in OPFS like the
 * hash workers' writes do. A streamed object is a `writer` number: its pieces, then `commit`
 * or `abort`; the page sends a writer's next message only once the last one was answered.
 */
import type { ObjectId, PutObject } from './blob-store.ts';

export type OpfsWriteRequest =
  | { id: number; type: 'write'; writer: number; bytes: Uint8Array }
  | { id: number; type: 'commit'; writer: number; object: ObjectId }
  | { id: number; type: 'abort'; writer: number }
  | { id: number; type: 'putMany'; objects: PutObject[] };

export type OpfsWriteResponse =
  /** `value`: commit's "was new", putMany's one per object, nothing for write and abort. */
  | { id: number; ok: true; value?: boolean | boolean[] }
  /** `code`: the error's (`storage_full`, `invalid_oid`, `worker_crashed`, …); `what` for storage_full. */
  | { id: number; ok: false; code: string; message: string; what?: string };
