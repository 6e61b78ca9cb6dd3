import path from 'node:path';
import type { ServerContext } from '../context.ts';
import type { BlobStore } from './blob-store.ts';
import { makeDiskBlobStore } from './disk-blob-store.ts';

/**
 * The blob store of a server context (`DATA/blobs/md5/…` on disk), made once per context so the
 * DVC remote, MLflow artifacts and the demo seeder share it. Swap the implementation here for S3.
 */
const memo = new WeakMap<ServerContext, BlobStore>();

export function getBlobStore(ctx: ServerContext): BlobStore {
  let store = memo.get(ctx);
  if (!store) {
    store = makeDiskBlobStore(path.join(ctx.config.dataDir, 'blobs', 'md5'));
    memo.set(ctx, store);
  }
  return store;
}
