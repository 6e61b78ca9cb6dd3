import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { s3Send } from './s3-errors.ts';

const MiB = 1024 * 1024;

/** What `beforePublish` decides: nothing (undefined) or 'publish' publishes. */
export type PublishDecision = 'publish' | 'keep-existing' | undefined;

export interface StreamUploadOptions {
  client: S3Client;
  bucket: string;
  key: string;
  source: Readable;
  /** Sees every chunk in order before it is sent; throwing (a size limit) abandons the upload. */
  onChunk?(chunk: Buffer): void;
  /** Sees every multipart part, in order, before it is sent (not a body sent with one PutObject). */
  onPart?(part: Buffer): void;
  /**
   * Runs once every byte arrived, before the object is published; throwing abandons the upload.
   * `bodyMd5` is the md5 (hex) of a body small enough for one PutObject (its Content-MD5), absent
   * for a multipart upload. Answering 'keep-existing' abandons the upload too, without an error:
   * the object already under `key` stays (the blob store's "same bytes already stored").
   */
  beforePublish?(size: number, bodyMd5?: string): Promise<PublishDecision> | PublishDecision;
  /** Bytes per multipart part (S3's minimum is 5 MiB). */
  partSize?: number;
  /** Parts in flight at once: memory per upload is at most (this + 1) × partSize. */
  partConcurrency?: number;
}

/**
 * Streams `source` to `key` so that the object appears only whole: the S3 blob store's writes
 * (s3-blob-store.ts, which checks the hash in `onPart`/`beforePublish`) and MLflow artifacts
 * (s3-artifact-store.ts). Bytes go into a
 * multipart upload under the final key, which S3 publishes atomically at
 * CompleteMultipartUpload, called only after the source ended cleanly and `beforePublish`
 * agreed; any failure aborts the upload, so nothing — not even parts — is left. A body smaller
 * than one part is buffered and sent with one PutObject carrying Content-MD5, so the store also
 * checks what it received. Uploads orphaned by a killed process are invisible; the blob store's
 * `sweep` (same prefix root) aborts them.
 */
export async function streamUpload(opts: StreamUploadOptions): Promise<{ size: number; published: boolean }> {
  const { client, bucket, key, source } = opts;
  const partSize = opts.partSize ?? 8 * MiB;
  const partConcurrency = opts.partConcurrency ?? 4;
  if (partSize < 5 * MiB) throw new RangeError('S3 multipart parts must be at least 5 MiB');
  // Until the loop reads it, an error of the source must not go unheard (it would end the process).
  source.on('error', () => {});
  let size = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let uploadId: string | undefined;
  const parts: Array<{ PartNumber: number; ETag: string }> = [];
  const inflight = new Set<Promise<void>>();
  let nextPart = 1;
  let partFailure: unknown = null;

  const takePart = (bytes: number): Buffer => {
    const all = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
    const part = all.subarray(0, bytes);
    const rest = all.subarray(bytes);
    pending = rest.length > 0 ? [rest] : [];
    pendingBytes = rest.length;
    return part;
  };

  const sendPart = async (body: Buffer): Promise<void> => {
    opts.onPart?.(body);
    uploadId ??= (await s3Send(() => client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))))
      .UploadId;
    const PartNumber = nextPart++;
    const UploadId = uploadId as string;
    const p: Promise<void> = s3Send(() =>
      client.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber,
          Body: body,
          ContentLength: body.length,
        }),
      ),
    ).then(
      (r) => void parts.push({ PartNumber, ETag: r.ETag ?? '' }),
      (err) => {
        partFailure ??= err;
      },
    );
    inflight.add(p);
    void p.then(() => inflight.delete(p));
    // Back-pressure: the source is not read further while this many parts are in flight.
    while (inflight.size >= partConcurrency) await Promise.race(inflight);
    if (partFailure) throw partFailure;
  };

  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      opts.onChunk?.(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= partSize) await sendPart(takePart(partSize));
    }
    const rest = takePart(pendingBytes);
    if (uploadId === undefined) {
      const bodyMd5 = createHash('md5').update(rest).digest();
      if ((await opts.beforePublish?.(size, bodyMd5.toString('hex'))) === 'keep-existing')
        return { size, published: false };
      await s3Send(() =>
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: rest,
            ContentLength: rest.length,
            ContentMD5: bodyMd5.toString('base64'),
          }),
        ),
      );
      return { size, published: true };
    }
    if (rest.length > 0) await sendPart(rest);
    while (inflight.size > 0) await Promise.race(inflight);
    if (partFailure) throw partFailure;
    if ((await opts.beforePublish?.(size)) === 'keep-existing') {
      await abortUpload();
      return { size, published: false };
    }
    await s3Send(() =>
      client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: [...parts].sort((a, b) => a.PartNumber - b.PartNumber) },
        }),
      ),
    );
    return { size, published: true };
  } catch (err) {
    // Parts still in flight would otherwise land after the abort and be kept by the store.
    await Promise.allSettled([...inflight]);
    if (uploadId !== undefined) await abortUpload();
    throw err;
  }

  async function abortUpload(): Promise<void> {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      // Already gone, or the store is down: the start-up sweep aborts what is left.
      .catch(() => {});
  }
}
