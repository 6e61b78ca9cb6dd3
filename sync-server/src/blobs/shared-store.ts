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

const legacyMemo = new WeakMap<ServerContext, BlobStore>();

/**
 * DVC 2's legacy objects (`ab/cdef…` remote paths), named by md5-dos2unix. Kept apart from the
 * md5 store: the same name can mean a CRLF text file under DVC 2 and its LF form under DVC 3.
 */
export function getLegacyBlobStore(ctx: ServerContext): BlobStore {
  let store = legacyMemo.get(ctx);
  if (!store) {
    store = makeDiskBlobStore(path.join(ctx.config.dataDir, 'blobs', 'md5-dos2unix'), { algorithm: 'md5-dos2unix' });
    legacyMemo.set(ctx, store);
  }
  return store;
}
