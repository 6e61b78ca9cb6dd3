import type { Readable } from 'node:stream';
import { CairnError } from '@cairn/core/errors';

/**
 * The server's content-addressed byte store, kept narrow so an S3-compatible store can replace
 * the disk one (blobs/disk-blob-store.ts). Keys are MD5 hex digests of the content: a write is
 * verified against its key while it streams and becomes visible only complete and correct.
 *
 * Implementations must pass blobs/blob-store-conformance.ts.
 */
export interface BlobStore {
  /** Size of the stored blob, or null when absent. */
  stat(md5: string): Promise<{ size: number } | null>;
  /** The bytes `start..end` (inclusive; whole blob by default). The caller has checked `stat`. */
  read(md5: string, range?: { start: number; end: number }): Readable;
  /**
   * Streams `source` in; resolves once the blob is durable under its name. Rejects with
   * BlobHashMismatchError (nothing stored), BlobTooLargeError, BlobStorageFullError, or the
   * source's error (client went away): in each case nothing is left behind.
   */
  write(md5: string, source: Readable, limits?: { maxBytes?: number }): Promise<{ size: number; created: boolean }>;
  /** Removes leftovers of interrupted writes; returns how many. Run at startup. */
  sweep(): Promise<number>;
  /**
   * Marks the blob as in use now (a client was told it is there and will rely on it), so a GC
   * running now keeps it (ops/gc.ts); false when the blob is absent.
   */
  touch?(md5: string): Promise<boolean>;
  /** Releases connections (an S3 client's sockets) when the server stops. */
  close?(): void;
}

/** The bytes did not hash to the name they were sent under. */
export class BlobHashMismatchError extends CairnError<
  'blob_hash_mismatch',
  { expected: string; actual: string; size: number }
> {
  constructor(data: { expected: string; actual: string; size: number }) {
    super(
      'blob_hash_mismatch',
      `The uploaded bytes hash to ${data.actual}, not ${data.expected}; nothing was stored.`,
      data,
    );
    this.name = 'BlobHashMismatchError';
  }
}

/** The upload went past the configured size limit. */
export class BlobTooLargeError extends CairnError<'blob_too_large', { maxBytes: number }> {
  constructor(data: { maxBytes: number }) {
    super('blob_too_large', `The upload is larger than the limit of ${data.maxBytes} bytes; nothing was stored.`, data);
    this.name = 'BlobTooLargeError';
  }
}

/** The disk (or bucket) is full. */
export class BlobStorageFullError extends CairnError<'blob_storage_full'> {
  constructor() {
    super('blob_storage_full', 'The server has no space left to store this upload; nothing was stored.');
    this.name = 'BlobStorageFullError';
  }
}

/** A key that is not 32 lowercase hex digits. */
export class BlobKeyError extends CairnError<'blob_bad_key', { key: string }> {
  constructor(data: { key: string }) {
    super(
      'blob_bad_key',
      `${JSON.stringify(data.key.slice(0, 80))} is not an MD5 digest (32 lowercase hex digits).`,
      data,
    );
    this.name = 'BlobKeyError';
  }
}

/**
 * The store could not be reached or refused to work (an S3 endpoint down, bad credentials, a
 * missing bucket). Nothing was stored; the HTTP layer answers 503 + Retry-After (server.ts).
 */
export class BlobStoreUnavailableError extends CairnError<'blob_store_unavailable', { cause: string }> {
  constructor(data: { cause: string }, message = `The blob store is unavailable (${data.cause}); retry shortly.`) {
    super('blob_store_unavailable', message, data);
    this.name = 'BlobStoreUnavailableError';
  }
}

/**
 * An upload waited too long for this process's upload memory (CAIRN_S3_UPLOAD_MEMORY_MB): the
 * store is fine, the process is busy. Answered as the store being unavailable (503 +
 * Retry-After), since a retry shortly can succeed.
 */
export class UploadMemoryBusyError extends BlobStoreUnavailableError {
  constructor(waitedMs: number) {
    const waited = `${Math.round(waitedMs / 1000)} s`;
    super(
      { cause: `upload memory in use for ${waited}` },
      `The server is busy with other uploads (its upload memory, CAIRN_S3_UPLOAD_MEMORY_MB, stayed in use for ${waited}); retry shortly.`,
    );
    this.name = 'UploadMemoryBusyError';
  }
}
