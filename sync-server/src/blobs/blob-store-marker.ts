import fs from 'node:fs';
import path from 'node:path';
import { CairnError } from '@cairn/core/errors';
import type { BlobsConfig } from '../config.ts';

/**
 * `DATA/blob-store.json`, present while the data folder's DVC objects live in S3 (written by
 * shared-store.ts at start and by `cairn-server migrate` once it copied them): the operator
 * commands (ops/) read the marker to find the bucket instead of reporting `DATA/blobs/` as the
 * (empty) store. The server refuses to start on the disk store with it (BlobStoreMovedError)
 * instead of answering 404 for every object in the bucket: only an operator removes it.
 */
export function blobStoreMarkerOf(dataDir: string): string {
  return path.join(dataDir, 'blob-store.json');
}

/** Writes the marker (S3), whole or not at all, or checks there is none (disk). Names no credentials. */
export function recordBlobStorePlace(dataDir: string, config: BlobsConfig): void {
  const marker = blobStoreMarkerOf(dataDir);
  if (config.kind === 'disk') {
    if (fs.existsSync(marker)) throw new BlobStoreMovedError(marker, describeBlobMarker(marker));
    return;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const where = { kind: 's3', bucket: config.bucket, prefix: config.prefix, endpoint: config.endpoint };
  const temp = `${marker}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(where, null, 2)}\n`);
  fs.renameSync(temp, marker);
}

/** The server was started on the disk store in a data folder whose objects live in S3. */
export class BlobStoreMovedError extends CairnError<'blob_store_moved', { marker: string; where: string }> {
  constructor(marker: string, where: string) {
    super(
      'blob_store_moved',
      `This data folder's DVC objects and MLflow artifacts are in ${where} (see ${marker}), but CAIRN_BLOBS is not set: on the disk store the server would answer that they are missing. ` +
        `Set CAIRN_BLOBS (and CAIRN_S3_ENDPOINT, AWS_*) as before to start. To go back to the disk store on purpose — without what was stored in the bucket since — remove ${marker}.`,
      { marker, where },
    );
    this.name = 'BlobStoreMovedError';
  }
}

/** `s3://BUCKET/PREFIX` as the marker names it, or `S3` when it cannot be read. */
export function describeBlobMarker(marker: string): string {
  try {
    const m = JSON.parse(fs.readFileSync(marker, 'utf8')) as { bucket?: string; prefix?: string };
    return `s3://${m.bucket}/${m.prefix ?? ''}`;
  } catch {
    return 'an S3 bucket';
  }
}
