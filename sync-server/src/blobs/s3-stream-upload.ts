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
import { UploadMemoryBusyError } from './blob-store.ts';
import { s3Send } from './s3-errors.ts';
import type { UploadMemory } from './upload-memory.ts';

const MiB = 1024 * 1024;
/**
 * Bytes per multipart part unless told. 16 MiB parts cost radosgw and the uploader ~0.8 s less
 * CPU per GiB than 8 MiB ones (128 requests fewer; bench/s3-blobs), and allow objects of up to
 * 156 GiB within S3's 10,000 parts (8 MiB: 78 GiB).
 */
export const DEFAULT_PART_SIZE = 16 * MiB;
/** Parts of one upload in flight at once unless told: with the one filling, 64 MiB per upload. */
export const DEFAULT_PART_CONCURRENCY = 3;
/**
 * With a memory budget, a body is read this far before it needs the budget: most DVC objects are
 * smaller and never wait. Past it, the first part's room is taken (waiting its turn) before more
 * of the body is read, so uploads waiting for the budget hold at most this much each.
 */
const EARLY_BYTES = 1024 * 1024;
/**
 * The longest an upload waits for the memory budget before it fails with UploadMemoryBusyError
 * (503 + Retry-After): well under the server's 120 s idle timeout, which would otherwise cut off
 * the connection whose body is not being read, with no answer.
 */
const MEMORY_WAIT_MS = 60_000;

/** What `beforePublish` decides: nothing (undefined) or 'publish' publishes. */
export type PublishDecision = 'publish' | 'keep-existing' | undefined;

export interface StreamUploadOptions {
  client: S3Client;
  bucket: string;
  key: string;
  source: Readable;
  /** Sees every chunk in order before it is sent; throwing (a size limit) abandons the upload. */
  onChunk?(chunk: Buffer): void;
  /**
   * Sees every multipart part, in order, before it is sent (not a body sent with one PutObject).
   * The part lives in a buffer reused for a later part once both its request and the promise
   * returned here settled: resolve it only when done reading the bytes (a rejection abandons the
   * upload).
   */
  onPart?(part: Buffer): Promise<void> | void;
  /**
   * Runs once every byte arrived, before the object is published; throwing abandons the upload.
   * `bodyMd5` is the md5 (hex) of a body small enough for one PutObject (its Content-MD5), absent
   * for a multipart upload. Answering 'keep-existing' abandons the upload too, without an error:
   * the object already under `key` stays (the blob store's "same bytes already stored").
   */
  beforePublish?(size: number, bodyMd5?: string): Promise<PublishDecision> | PublishDecision;
  /** Bytes per multipart part (S3's minimum is 5 MiB). */
  partSize?: number;
  /** Parts in flight (sent and hashed) at once: memory per upload is at most (this + 1) × partSize. */
  partConcurrency?: number;
  /**
   * The process's budget for part buffers, shared by its uploads (upload-memory.ts): the first
   * buffer waits for it, the others are taken only when free. Unset: no budget.
   */
  memory?: UploadMemory;
  /** How long the first part buffer is waited for (MEMORY_WAIT_MS unless told). */
  memoryWaitMs?: number;
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
 *
 * Memory: parts are filled, one copy of each byte, into at most `partConcurrency + 1` buffers of
 * `partSize` (shared memory, so `onPart` may hand them to a worker thread without a copy),
 * allocated as the upload needs them and reused once a part is both sent and read by `onPart`:
 * `partConcurrency` parts being sent while the next fills (or, full, waits for its turn). With
 * no buffer free, the source is not read further. With `memory`, the process's uploads together
 * hold at most its budget of buffers (upload-memory.ts). A new
 * allocation per part (and a copy for the md5 worker) had cost as much CPU as the sockets, most
 * of it in V8's garbage collector (bench/s3-blobs, bench/several-processes).
 */
export async function streamUpload(opts: StreamUploadOptions): Promise<{ size: number; published: boolean }> {
  const { client, bucket, key, source } = opts;
  const partSize = opts.partSize ?? DEFAULT_PART_SIZE;
  const partConcurrency = opts.partConcurrency ?? DEFAULT_PART_CONCURRENCY;
  if (partSize < 5 * MiB) throw new RangeError('S3 multipart parts must be at least 5 MiB');
  if (!(partConcurrency >= 1)) throw new RangeError('partConcurrency must be at least 1');
  // Until the loop reads it, an error of the source must not go unheard (it would end the process).
  source.on('error', () => {});
  let size = 0;
  // Until the first part is full, chunks are kept as they came: a body smaller than one part
  // never takes a part buffer.
  let early: Buffer[] = [];
  let earlyBytes = 0;
  let filling: Buffer | null = null;
  let filled = 0;
  let uploadId: string | undefined;
  const parts: Array<{ PartNumber: number; ETag: string }> = [];
  const inflight = new Set<Promise<void>>();
  let nextPart = 1;
  let partFailure: unknown = null;
  const free: Buffer[] = [];
  let allocated = 0;
  // Bytes of `opts.memory` this upload holds: its part buffers, or the first one's room, taken
  // before the body's first part is read in full (see EARLY_BYTES).
  let held = 0;
  const holdFirstPart = async (memory: UploadMemory) => {
    const waitMs = opts.memoryWaitMs ?? MEMORY_WAIT_MS;
    try {
      await memory.take(partSize, AbortSignal.timeout(waitMs));
    } catch {
      throw new UploadMemoryBusyError(waitMs);
    }
    held = partSize;
  };
  /**
   * Whether the budget has room for one more buffer of this upload, taken if so. The first waits
   * its turn (nothing of ours is in flight to free one; its room may be held already, see
   * EARLY_BYTES); more only when the budget has room now, else this upload reuses its own.
   */
  const roomForAnotherBuffer = async (): Promise<boolean> => {
    const memory = opts.memory;
    if (!memory) return true;
    if (held === 0) await holdFirstPart(memory);
    if (held > allocated * partSize) return true;
    if (!memory.tryTake(partSize)) return false;
    held += partSize;
    return true;
  };
  let bufferFreed: (() => void) | null = null;
  // UploadPart requests in flight, at most partConcurrency; a full part waits here for its turn.
  let requests = 0;
  const requestSlots: Array<() => void> = [];

  const takeBuffer = async (): Promise<Buffer> => {
    for (;;) {
      if (partFailure) throw partFailure;
      const b = free.pop();
      if (b) return b;
      if (allocated < partConcurrency + 1 && (await roomForAnotherBuffer())) {
        allocated++;
        return Buffer.from(new SharedArrayBuffer(partSize));
      }
      // Back-pressure: the source is not read further until a part's request and hash settle.
      await new Promise<void>((resolve) => {
        bufferFreed = resolve;
      });
    }
  };

  const sendPart = async (buffer: Buffer, length: number): Promise<void> => {
    const body = buffer.subarray(0, length);
    const reading = opts.onPart?.(body);
    // Heard now: a rejection while the upload is being created must not go unhandled.
    const read = reading?.then(undefined, (err: unknown) => {
      partFailure ??= err;
    });
    uploadId ??= (await s3Send(() => client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))))
      .UploadId;
    const PartNumber = nextPart++;
    const UploadId = uploadId as string;
    const settle = async (): Promise<void> => {
      // A slot is taken here, or handed over by the request that ends.
      if (requests < partConcurrency) requests++;
      else await new Promise<void>((resolve) => requestSlots.push(resolve));
      try {
        const r = await s3Send(() =>
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
        );
        parts.push({ PartNumber, ETag: r.ETag ?? '' });
      } catch (err) {
        partFailure ??= err;
      } finally {
        const next = requestSlots.shift();
        if (next) next();
        else requests--;
      }
      await read;
    };
    const p: Promise<void> = settle().then(() => {
      inflight.delete(p);
      free.push(buffer);
      const wake = bufferFreed;
      bufferFreed = null;
      wake?.();
    });
    inflight.add(p);
  };

  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      opts.onChunk?.(chunk);
      if (filling === null && uploadId === undefined && earlyBytes + chunk.length < partSize) {
        if (opts.memory && held === 0 && earlyBytes + chunk.length > EARLY_BYTES) await holdFirstPart(opts.memory);
        early.push(chunk);
        earlyBytes += chunk.length;
        continue;
      }
      for (const piece of early.length > 0 ? [...early, chunk] : [chunk]) {
        let offset = 0;
        while (offset < piece.length) {
          filling ??= await takeBuffer();
          const n = piece.copy(filling, filled, offset, Math.min(piece.length, offset + partSize - filled));
          filled += n;
          offset += n;
          if (filled === partSize) {
            await sendPart(filling, filled);
            filling = null;
            filled = 0;
          }
        }
      }
      early = [];
      earlyBytes = 0;
    }
    if (filling === null && uploadId === undefined) {
      const rest = early.length === 1 ? (early[0] as Buffer) : Buffer.concat(early, earlyBytes);
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
    if (filling !== null) await sendPart(filling, filled);
    filling = null;
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
  } finally {
    // Every part has settled by now (above, or before publishing): the buffers and room go back.
    if (held > 0) opts.memory?.give(held);
  }

  async function abortUpload(): Promise<void> {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      // Already gone, or the store is down: the start-up sweep aborts what is left.
      .catch(() => {});
  }
}
