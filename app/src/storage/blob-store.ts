/**
 * The data cache port: content-addressed DVC objects, shared by all repositories. An object is
 * named by its hash algorithm *and* its DVC oid (`md5/<hex>`, `md5-dos2unix/<hex>`, with `.dir`
 * for manifests): under DVC 2's legacy `md5-dos2unix` a CRLF text file has the same hex as its
 * LF form has under DVC 3's plain `md5`, so the hex alone may name two different byte strings
 * (FORMATS §1.2; the server keeps them apart the same way, sync-server/src/blobs/shared-store.ts).
 * Objects are streamed in and out in chunks so a multi-gigabyte file never sits whole in
 * memory, and an object is visible under its id only once every byte is stored (all or
 * nothing). Implementations: Dexie (dexie-blob-store.ts) and memory (tests, tools).
 * The store does not hash: callers verify bytes against the id before `commit` (add-data
 * hashes as it writes; sync re-hashes what it downloads).
 */

import { OID_PATTERN } from '@cairn/core/cache';
import { CairnError } from '@cairn/core/errors';
import type { HashAlgorithm } from '@cairn/core/hash';
import { InvalidOidError } from './errors.ts';

/** A DVC object id (core's pattern): md5 hex, or md5 hex + `.dir` for a directory manifest. */
export { OID_PATTERN };

/** A data-cache object: `<algorithm>/<oid>`, e.g. `md5/0cc1…` (DVC 3) or `md5-dos2unix/0cc1…` (DVC 2). */
export type ObjectId = `${HashAlgorithm}/${string}`;

const ALGORITHM_PREFIXES = ['md5/', 'md5-dos2unix/'];

export function assertObjectId(id: string): asserts id is ObjectId {
  const prefix = ALGORITHM_PREFIXES.find((p) => id.startsWith(p));
  if (prefix === undefined || !OID_PATTERN.test(id.slice(prefix.length))) throw new InvalidOidError(id);
}

/**
 * The cache id of a DVC object hashed with `algorithm`.
 * @throws InvalidOidError when `oid` is not a DVC object id (names are data, not paths)
 * @example objectId('md5', '0cc175b9c0f1b6a831c399e269772661') // 'md5/0cc175b9c0f1b6a831c399e269772661'
 */
export function objectId(algorithm: HashAlgorithm, oid: string): ObjectId {
  const id = `${algorithm}/${oid}`;
  assertObjectId(id);
  return id;
}

/** The cache id of an object a `.dvc` entry names: legacy entries (no `hash: md5`) are md5-dos2unix. */
export function dataObjectId(oid: string, legacy: boolean): ObjectId {
  return objectId(legacy ? 'md5-dos2unix' : 'md5', oid);
}

/** Streams one object in. Nothing is visible until `commit`; `abort` drops what was written. */
export interface BlobWriter {
  write(bytes: Uint8Array): Promise<void>;
  /** Makes the bytes visible as `id`. Resolves true if the object is new, false if it was already stored. */
  commit(id: ObjectId): Promise<boolean>;
  abort(): Promise<void>;
  /** Bytes written so far. */
  readonly size: number;
  /**
   * True when `write` has stored (or copied) the bytes by the time it resolves, at any piece
   * size, on this thread: a caller gains nothing from gathering rows to overlap writes (OPFS).
   */
  readonly writesInPlace?: boolean;
}

/** One whole object for `BlobStore.putMany`. */
export interface PutObject {
  id: ObjectId;
  bytes: Uint8Array;
}

export interface BlobUsage {
  count: number;
  bytes: number;
}

export interface BlobStore {
  has(id: ObjectId): Promise<boolean>;
  /** The ids of `ids` that are not stored, in input order, without duplicates. */
  missing(ids: readonly ObjectId[]): Promise<ObjectId[]>;
  /** Size in bytes, or null when absent. */
  size(id: ObjectId): Promise<number | null>;
  /** The whole object, or null when absent. For large objects prefer `chunks`. */
  get(id: ObjectId): Promise<Uint8Array | null>;
  /**
   * The object as a Blob whose bytes stay on disk (an OPFS file's slice), for saving a large
   * object without holding it in memory; null when absent. Stores that cannot leave it out.
   */
  diskBlob?(id: ObjectId): Promise<Blob | null>;
  /** The object's bytes in order; throws `BlobNotFoundError` when absent. */
  chunks(id: ObjectId): AsyncGenerator<Uint8Array>;
  /** Stores a whole object (idempotent). Resolves true if it was new. */
  put(id: ObjectId, bytes: Uint8Array): Promise<boolean>;
  /**
   * Stores many whole objects at once: all or nothing (one IndexedDB transaction in the Dexie
   * store, whose per-transaction commit, not the bytes, is what costs for small objects). Ids
   * already stored, or repeated in `objects`, are skipped. Resolves, per input, true if that
   * entry stored a new object. Every id is checked before anything is written.
   * @throws InvalidOidError for a bad id; StorageFullError when the browser refuses (none of
   * `objects` is then stored, earlier objects are intact)
   */
  putMany(objects: readonly PutObject[]): Promise<boolean[]>;
  writer(): BlobWriter;
  delete(id: ObjectId): Promise<void>;
  /**
   * Removes many objects at once (ids not stored are fine). Use it over many `delete` calls:
   * each of those is its own strictly durable IndexedDB transaction (measured in Chromium,
   * bench/browser-hash: 10,000 parallel deletes took 65–95 s, ~10× storing the same objects).
   * @throws InvalidOidError for a bad id, before anything is removed
   */
  deleteMany(ids: readonly ObjectId[]): Promise<void>;
  usage(): Promise<BlobUsage>;
  /** Removes chunks of writes that never committed (crash, closed tab) older than `graceMs`. */
  sweep(graceMs?: number): Promise<number>;
}

export class BlobNotFoundError extends CairnError<'blob_not_found'> {
  constructor(readonly id: string) {
    super('blob_not_found', `The data object ${id} is not on this device.`);
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
