import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { FileHasher, type HashAlgorithm, MD5_HEX } from '@cairn/core';
import { BlobHashMismatchError, BlobKeyError, type BlobStore, BlobTooLargeError } from './blob-store.ts';
import { type OffThreadMd5, offThreadMd5 } from './md5-off-thread.ts';
import { s3Send as send, s3StatusOf as statusOf, s3StoreError as storeError } from './s3-errors.ts';
import { DEFAULT_PART_CONCURRENCY, DEFAULT_PART_SIZE, streamUpload } from './s3-stream-upload.ts';
import type { UploadMemory } from './upload-memory.ts';

export interface S3BlobStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix of this store's objects, without trailing slash ('' for the bucket's root). */
  prefix: string;
  /** `md5` (DVC 3) or `md5-dos2unix` (DVC 2 legacy objects), as the disk store. */
  algorithm?: HashAlgorithm;
  /** Bytes per multipart part (S3's minimum is 5 MiB; 16 MiB unless told, s3-stream-upload.ts). */
  partSize?: number;
  /** Parts of one upload in flight at once: memory per upload is at most (this + 1) × partSize. */
  partConcurrency?: number;
  /** The process's budget for part buffers, shared with its other stores (upload-memory.ts). */
  memory?: UploadMemory;
  /** `sweep` aborts multipart uploads started longer ago than this (another process may still be writing younger ones). */
  staleAfterMs?: number;
  now?: () => number;
}

const MiB = 1024 * 1024;

/**
 * BlobStore in an S3-compatible bucket: `PREFIX/ab/cdef…`, the disk store's layout.
 *
 * Visibility: an object appears under its name only complete and verified. Bytes stream (s3-stream-upload.ts) into a
 * multipart upload *under the final key* in parts of `partSize`, hashed as they pass; S3 makes a
 * multipart object visible only at CompleteMultipartUpload, atomically, and the store calls it
 * only after the last byte hashed to the name. On a mismatch, the size limit, a failed source or
 * a failed part it aborts the upload instead, so nothing — not even a temp key — is left. This
 * saves the copy a temp key would need (a second write of every byte; UploadPartCopy above
 * 5 GiB). A blob smaller than one part is buffered, verified, then sent with one PutObject
 * carrying Content-MD5, so the store also checks the bytes it received. Uploads orphaned by a
 * killed process are invisible and aborted by `sweep` once older than `staleAfterMs`.
 *
 * `touch` (ops/gc.ts's "in use now") writes an empty marker `PREFIX/.touched/MD5` instead of
 * copying the object in place: constant cost whatever the size (an in-place copy rewrites up to
 * 5 GiB on AWS, and needs a multipart copy above). A GC of this store takes an object's time as the
 * newer of its own LastModified and its marker's.
 *
 * Failures of the store itself (unreachable, refused credentials, no bucket) are
 * BlobStoreUnavailableError, which the HTTP layer answers 503 + Retry-After.
 */
export function makeS3BlobStore(opts: S3BlobStoreOptions): BlobStore {
  const { client, bucket } = opts;
  const algorithm = opts.algorithm ?? 'md5';
  const partSize = opts.partSize ?? DEFAULT_PART_SIZE;
  const partConcurrency = opts.partConcurrency ?? DEFAULT_PART_CONCURRENCY;
  const staleAfterMs = opts.staleAfterMs ?? 24 * 3600 * 1000;
  const now = opts.now ?? Date.now;
  const root = opts.prefix === '' ? '' : `${opts.prefix}/`;
  if (partSize < 5 * MiB) throw new RangeError('S3 multipart parts must be at least 5 MiB');

  const keyOf = (md5: string): string => {
    if (!MD5_HEX.test(md5)) throw new BlobKeyError({ key: md5 });
    return `${root}${md5.slice(0, 2)}/${md5.slice(2)}`;
  };
  const markerOf = (md5: string): string => `${root}.touched/${md5}`;

  async function head(key: string): Promise<{ size: number } | null> {
    try {
      const r = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { size: Number(r.ContentLength ?? 0) };
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw storeError(err);
    }
  }

  async function touch(md5: string): Promise<boolean> {
    if (!(await head(keyOf(md5)))) return false;
    await send(() =>
      client.send(new PutObjectCommand({ Bucket: bucket, Key: markerOf(md5), Body: '', ContentLength: 0 })),
    );
    // Present *after* the marker was written: a GC removing it now reads the marker after its
    // delete and puts the object back (ops/gc-s3.ts); one that removed it before, answers absent.
    return (await head(keyOf(md5))) !== null;
  }

  return {
    async stat(md5) {
      return head(keyOf(md5));
    },

    read(md5, range) {
      const key = keyOf(md5);
      const out = new PassThrough({ highWaterMark: MiB });
      const abort = new AbortController();
      // A reader that goes away (an HTTP client hanging up) ends the GET too.
      out.on('close', () => abort.abort());
      void (async () => {
        const r = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
          { abortSignal: abort.signal },
        );
        await pipeline(r.Body as Readable, out);
      })().catch((err) => {
        if (!out.destroyed) out.destroy(statusOf(err) === 404 ? err : storeError(err));
      });
      return out;
    },

    async write(md5, source, limits = {}) {
      const key = keyOf(md5);
      const maxBytes = limits.maxBytes ?? Number.POSITIVE_INFINITY;
      // md5 is taken per part, on a worker thread once the upload turns out to need several parts
      // (md5-off-thread.ts); a body sent in one PutObject is hashed by streamUpload for its
      // Content-MD5; DVC 2's md5-dos2unix chunk by chunk, here.
      const legacyHash = algorithm === 'md5' ? null : new FileHasher(nodeMd5(), algorithm);
      let partHash: OffThreadMd5 | null = null;
      let received = 0;
      try {
        const { size, published } = await streamUpload({
          client,
          bucket,
          key,
          source,
          partSize,
          partConcurrency,
          memory: opts.memory,
          onChunk(chunk) {
            received += chunk.length;
            if (received > maxBytes) throw new BlobTooLargeError({ maxBytes });
            legacyHash?.push(chunk);
          },
          onPart(part) {
            if (legacyHash) return;
            partHash ??= offThreadMd5();
            // The part's buffer is reused once the worker has hashed it where it is.
            return partHash.update(part);
          },
          async beforePublish(size, bodyMd5) {
            // (Assigned in onPart: TypeScript cannot see it from here.)
            const parted = partHash as OffThreadMd5 | null;
            const actual = legacyHash ? legacyHash.finish().md5 : parted ? await parted.digest() : (bodyMd5 as string);
            if (actual !== md5) throw new BlobHashMismatchError({ expected: md5, actual, size });
            // The same bytes already stored (another upload finished first): keep that copy.
            return (await touch(md5)) ? 'keep-existing' : 'publish';
          },
        });
        return { size, created: published };
      } catch (err) {
        (partHash as OffThreadMd5 | null)?.drop();
        throw err;
      }
    },

    touch,

    async sweep() {
      const cutoff = now() - staleAfterMs;
      let removed = 0;
      let KeyMarker: string | undefined;
      let UploadIdMarker: string | undefined;
      for (;;) {
        const page = await send(() =>
          client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: root, KeyMarker, UploadIdMarker })),
        );
        for (const u of page.Uploads ?? []) {
          if (!u.Key || !u.UploadId || (u.Initiated && u.Initiated.getTime() > cutoff)) continue;
          await abortUpload(u.Key, u.UploadId);
          removed++;
        }
        if (!page.IsTruncated) return removed;
        KeyMarker = page.NextKeyMarker;
        UploadIdMarker = page.NextUploadIdMarker;
      }
    },
  };

  async function abortUpload(key: string, uploadId: string): Promise<void> {
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    } catch (err) {
      // Already aborted or completed elsewhere: nothing is left either way.
      if (statusOf(err) !== 404) throw storeError(err);
    }
  }
}

/** Node's OpenSSL MD5 in core's `Md5` shape. */
function nodeMd5() {
  const h = createHash('md5');
  return { update: (data: Uint8Array) => void h.update(data), hex: () => h.digest('hex') };
}
