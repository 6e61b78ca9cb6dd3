import fs from 'node:fs';
import path from 'node:path';
import type { BlobsConfig } from '../config.ts';

/**
 * `DATA/blob-store.json`, present while the data folder's DVC objects live in S3 (written by
 * shared-store.ts at start, removed when the server starts on the disk store again, and written
 * by `cairn-server migrate` once it copied them): the operator commands (ops/) read the marker to
 * find the bucket instead of reporting `DATA/blobs/` as the (empty) store.
 */
export function blobStoreMarkerOf(dataDir: string): string {
  return path.join(dataDir, 'blob-store.json');
}

/** Writes (S3) or removes (disk) the marker, whole or not at all. Names no credentials. */
export function recordBlobStorePlace(dataDir: string, config: BlobsConfig): void {
  const marker = blobStoreMarkerOf(dataDir);
  if (config.kind === 'disk') {
    fs.rmSync(marker, { force: true });
    return;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const where = { kind: 's3', bucket: config.bucket, prefix: config.prefix, endpoint: config.endpoint };
  const temp = `${marker}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(where, null, 2)}\n`);
  fs.renameSync(temp, marker);
}
