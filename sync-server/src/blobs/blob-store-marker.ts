import path from 'node:path';

/**
 * `DATA/blob-store.json`, present while the data folder's DVC objects live in S3 (written by
 * shared-store.ts at start, removed when the server starts on the disk store again): the operator
 * commands (ops/) read objects from `DATA/blobs/` and refuse to run with it rather than report an
 * empty store as healthy or collect objects they cannot see.
 */
export function blobStoreMarkerOf(dataDir: string): string {
  return path.join(dataDir, 'blob-store.json');
}
