import path from 'node:path';
import type { BlobStore } from './blob-store.ts';
import { makeDiskBlobStore } from './disk-blob-store.ts';

/**
 * The server's two blob stores on disk, made once by the composition root and shared by the
 * DVC remote, MLflow artifacts and the demo seeder. Swap the implementation here for S3.
 * - `blobs` (`DATA/blobs/md5/…`): DVC 3 objects, named by md5;
 * - `legacyBlobs` (`DATA/blobs/md5-dos2unix/…`): DVC 2's legacy objects (`ab/cdef…` remote
 *   paths), named by md5-dos2unix and kept apart: the same name can mean a CRLF text file under
 *   DVC 2 and its LF form under DVC 3.
 */
export function makeBlobStores(dataDir: string): { blobs: BlobStore; legacyBlobs: BlobStore } {
  return {
    blobs: makeDiskBlobStore(path.join(dataDir, 'blobs', 'md5')),
    legacyBlobs: makeDiskBlobStore(path.join(dataDir, 'blobs', 'md5-dos2unix'), { algorithm: 'md5-dos2unix' }),
  };
}
