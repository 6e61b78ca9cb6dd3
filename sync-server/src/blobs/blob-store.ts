import type { Readable } from 'node:stream';

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
}

export const MD5_HEX = /^[0-9a-f]{32}$/;

/** The bytes did not hash to the name they were sent under. */
export class BlobHashMismatchError extends Error {
  readonly code = 'blob_hash_mismatch' as const;
  constructor(readonly data: { expected: string; actual: string; size: number }) {
    super(`The uploaded bytes hash to ${data.actual}, not ${data.expected}; nothing was stored.`);
    this.name = 'BlobHashMismatchError';
  }
}

/** The upload went past the configured size limit. */
export class BlobTooLargeError extends Error {
  readonly code = 'blob_too_large' as const;
  constructor(readonly data: { maxBytes: number }) {
    super(`The upload is larger than the limit of ${data.maxBytes} bytes; nothing was stored.`);
    this.name = 'BlobTooLargeError';
  }
}

/** The disk (or bucket) is full. */
export class BlobStorageFullError extends Error {
  readonly code = 'blob_storage_full' as const;
  constructor() {
    super('The server has no space left to store this upload; nothing was stored.');
    this.name = 'BlobStorageFullError';
  }
}

/** A key that is not 32 lowercase hex digits. */
export class BlobKeyError extends Error {
  readonly code = 'blob_bad_key' as const;
  constructor(readonly data: { key: string }) {
    super(`${JSON.stringify(data.key.slice(0, 80))} is not an MD5 digest (32 lowercase hex digits).`);
    this.name = 'BlobKeyError';
  }
}
