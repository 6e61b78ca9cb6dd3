/**
 * File hashes exactly as DVC computes them, streamed: a multi-gigabyte file never sits whole in
 * memory. Two algorithms, chosen per entry (see `hashAlgorithmOf`):
 * - `md5` (DVC 3): MD5 of the raw bytes.
 * - `md5-dos2unix` (legacy, entries without `hash: md5`): the bytes are cut into 1 MiB chunks
 *   as dvc-data reads them; for each chunk whose first 512 bytes look like text, CRLF becomes
 *   LF before hashing (dvc-data Dos2UnixHashStreamFile tests every chunk). A CRLF split across
 *   a chunk boundary is therefore left alone — as DVC does.
 * `size` is always the raw byte count.
 */
import type { Md5, Md5Factory } from './md5.ts';
import { dos2unix, isTextBlock, TEXT_SNIFF_BYTES } from './text-heuristic.ts';

export type HashAlgorithm = 'md5' | 'md5-dos2unix';

/** dvc-data reads files in chunks of this size (fobj_md5 chunk_size = 2**20). */
export const DVC_READ_CHUNK = 1 << 20;

export interface FileHash {
  /** Lowercase hex MD5 (of the normalised bytes for md5-dos2unix). */
  md5: string;
  /** Raw byte count. */
  size: number;
}

/** `hash: md5` ⇒ DVC 3's 'md5'; no `hash` key ⇒ legacy 'md5-dos2unix'. Anything else: unsupported. */
export function hashAlgorithmOf(entry: { hash?: unknown }): HashAlgorithm | undefined {
  if (entry.hash === undefined || entry.hash === null) return 'md5-dos2unix';
  return entry.hash === 'md5' ? 'md5' : undefined;
}

/**
 * Incremental hasher: push bytes in pieces of any size, then `finish()`. Synchronous, so the
 * CLI can use it on bytes it already holds; `hashStream` wraps it for async sources.
 */
export class FileHasher {
  private size = 0;
  /** For md5-dos2unix: bytes waiting to fill the current 1 MiB chunk. */
  private pending: Uint8Array | undefined;
  private pendingLength = 0;

  constructor(
    private readonly md5: Md5,
    readonly algorithm: HashAlgorithm,
  ) {}

  push(bytes: Uint8Array): void {
    this.size += bytes.length;
    if (this.algorithm === 'md5') {
      this.md5.update(bytes);
      return;
    }
    let offset = 0;
    // Whole chunks straight from the input when nothing is pending (no copy).
    if (this.pendingLength === 0) {
      while (bytes.length - offset >= DVC_READ_CHUNK) {
        this.chunk(bytes.subarray(offset, offset + DVC_READ_CHUNK));
        offset += DVC_READ_CHUNK;
      }
    }
    while (offset < bytes.length) {
      this.pending ??= new Uint8Array(DVC_READ_CHUNK);
      const n = Math.min(DVC_READ_CHUNK - this.pendingLength, bytes.length - offset);
      this.pending.set(bytes.subarray(offset, offset + n), this.pendingLength);
      this.pendingLength += n;
      offset += n;
      if (this.pendingLength === DVC_READ_CHUNK) {
        this.chunk(this.pending);
        this.pendingLength = 0;
      }
    }
  }

  finish(): FileHash {
    if (this.pendingLength > 0 && this.pending) this.chunk(this.pending.subarray(0, this.pendingLength));
    this.pendingLength = 0;
    return { md5: this.md5.hex(), size: this.size };
  }

  private chunk(chunk: Uint8Array): void {
    this.md5.update(isTextBlock(chunk.subarray(0, TEXT_SNIFF_BYTES)) ? dos2unix(chunk) : chunk);
  }
}

/** Hashes bytes already in memory. */
export async function hashBytes(bytes: Uint8Array, algorithm: HashAlgorithm, md5: Md5Factory): Promise<FileHash> {
  const h = new FileHasher(await md5(), algorithm);
  h.push(bytes);
  return h.finish();
}

/** Hashes an async source of byte chunks (a file stream, a `ReadableStream`, a fetch body). */
export async function hashStream(
  source: AsyncIterable<Uint8Array>,
  algorithm: HashAlgorithm,
  md5: Md5Factory,
): Promise<FileHash> {
  const h = new FileHasher(await md5(), algorithm);
  for await (const chunk of source) h.push(chunk);
  return h.finish();
}
