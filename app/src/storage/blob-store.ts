/**
 * The data cache port: content-addressed DVC objects (`md5` or `md5.dir`), shared by all
 * repositories. Objects are streamed in and out in chunks so a multi-gigabyte file never sits
 * whole in memory, and an object is visible under its oid only once every byte is stored
 * (all or nothing). Implementations: Dexie (dexie-blob-store.ts) and memory (tests, tools).
 * The store does not hash: callers verify bytes against the oid before `commit` (add-data
 * hashes as it writes; sync re-hashes what it downloads).
 */
import { InvalidOidError } from './errors.ts';

/** A DVC object id: md5 hex, or md5 hex + `.dir` for a directory manifest. */
export const OID_PATTERN = /^[0-9a-f]{32}(\.dir)?$/;

export function assertOid(oid: string): void {
  if (!OID_PATTERN.test(oid)) throw new InvalidOidError(oid);
}

/** Streams one object in. Nothing is visible until `commit`; `abort` drops what was written. */
export interface BlobWriter {
  write(bytes: Uint8Array): Promise<void>;
  /** Makes the bytes visible as `oid`. Resolves true if the object is new, false if it was already stored. */
  commit(oid: string): Promise<boolean>;
  abort(): Promise<void>;
  /** Bytes written so far. */
  readonly size: number;
}

export interface BlobUsage {
  count: number;
  bytes: number;
}

export interface BlobStore {
  has(oid: string): Promise<boolean>;
  /** The oids of `oids` that are not stored, in input order, without duplicates. */
  missing(oids: readonly string[]): Promise<string[]>;
  /** Size in bytes, or null when absent. */
  size(oid: string): Promise<number | null>;
  /** The whole object, or null when absent. For large objects prefer `chunks`. */
  get(oid: string): Promise<Uint8Array | null>;
  /** The object's bytes in order; throws `BlobNotFoundError` when absent. */
  chunks(oid: string): AsyncGenerator<Uint8Array>;
  /** Stores a whole object (idempotent). Resolves true if it was new. */
  put(oid: string, bytes: Uint8Array): Promise<boolean>;
  writer(): BlobWriter;
  delete(oid: string): Promise<void>;
  usage(): Promise<BlobUsage>;
  /** Removes chunks of writes that never committed (crash, closed tab) older than `graceMs`. */
  sweep(graceMs?: number): Promise<number>;
}

export class BlobNotFoundError extends Error {
  readonly code = 'blob-not-found' as const;
  constructor(readonly oid: string) {
    super(`The data object ${oid} is not on this device.`);
    this.name = 'BlobNotFoundError';
  }
}

/** Object bytes are stored in pieces of this size (one IndexedDB row each). */
export const CHUNK_BYTES = 4 * 1024 * 1024;

/** Concatenates pieces into one array. */
export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array {
  const out = new Uint8Array(total ?? parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
