import path from 'node:path';
import type { BlobsConfig } from '../config.ts';
import type { ArtifactStore } from '../mlflow/artifact-store.ts';
import { makeDiskArtifactStore } from '../mlflow/disk-artifact-store.ts';
import { makeS3ArtifactStore } from '../mlflow/s3-artifact-store.ts';
import type { BlobStore } from './blob-store.ts';
import { recordBlobStorePlace } from './blob-store-marker.ts';
import { makeDiskBlobStore } from './disk-blob-store.ts';
import { makeS3BlobStore } from './s3-blob-store.ts';
import { makeS3Client } from './s3-client.ts';
import { UploadMemory } from './upload-memory.ts';

/**
 * The server's byte stores, made once by the composition root and shared by the DVC remote
 * and the demo seeder:
 * - `blobs` (`…/md5/…`): DVC 3 objects, named by md5;
 * - `legacyBlobs` (`…/md5-dos2unix/…`): DVC 2's legacy objects (`ab/cdef…` remote paths), named by
 *   md5-dos2unix and kept apart: the same name can mean a CRLF text file under DVC 2 and its LF
 *   form under DVC 3;
 * - `artifacts`: MLflow artifacts, named by path (`…/mlflow-artifacts/…`, mlflow/artifact-store.ts).
 * Both live under `DATA/blobs/` by default, or under `PREFIX/` of the bucket that CAIRN_BLOBS
 * names (config.ts). With S3, `DATA/blob-store.json` says where, so the operator commands that
 * read objects from the disk (ops/) can refuse clearly instead of finding an empty store.
 */
export function makeBlobStores(dataDir: string, config: BlobsConfig): ByteStores {
  recordBlobStorePlace(dataDir, config);
  return makeByteStores(dataDir, config);
}

export interface ByteStores {
  blobs: BlobStore;
  legacyBlobs: BlobStore;
  artifacts: ArtifactStore;
}

/** The stores of `config` without marking the data folder (`cairn-server migrate` fills them before it does). */
export function makeByteStores(dataDir: string, config: BlobsConfig): ByteStores {
  if (config.kind === 'disk') {
    return {
      blobs: makeDiskBlobStore(path.join(dataDir, 'blobs', 'md5')),
      legacyBlobs: makeDiskBlobStore(path.join(dataDir, 'blobs', 'md5-dos2unix'), { algorithm: 'md5-dos2unix' }),
      artifacts: makeDiskArtifactStore(dataDir),
    };
  }
  const client = makeS3Client(config);
  const under = (area: string) => (config.prefix ? `${config.prefix}/${area}` : area);
  const close = () => client.destroy();
  // One budget for every upload of this process, whichever store it goes to.
  const memory = new UploadMemory(config.uploadMemoryBytes);
  const bucket = config.bucket;
  return {
    blobs: { ...makeS3BlobStore({ client, bucket, prefix: under('md5'), memory }), close },
    legacyBlobs: {
      ...makeS3BlobStore({ client, bucket, prefix: under('md5-dos2unix'), algorithm: 'md5-dos2unix', memory }),
      close,
    },
    artifacts: makeS3ArtifactStore({ client, bucket, prefix: config.prefix, memory }),
  };
}
