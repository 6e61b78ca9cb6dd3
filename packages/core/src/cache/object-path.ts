/**
 * Where an object lives in a DVC cache or remote (dvc/cachemgr.py, dvc/data_cloud.py):
 * - DVC 3 (`hash: md5` entries): `files/md5/<h[0:2]>/<h[2:]>`;
 * - DVC 2 / legacy (`md5-dos2unix`, no `hash` key): `<h[0:2]>/<h[2:]>`.
 * A repository can hold both; the layout is decided per entry from its hash algorithm.
 * Object ids are validated before they become paths: names are data, not paths.
 */
import type { HashAlgorithm } from '../hash/file-hash.ts';

export type CacheLayout = 'v3' | 'v2';

/** A 32-hex MD5, optionally with `.dir` (directory manifests are stored under the suffixed id). */
const OID = /^[0-9a-f]{32}(\.dir)?$/;

export class CacheError extends Error {
  override readonly name = 'CacheError';
  constructor(
    readonly code: 'invalid_oid' | 'invalid_object_path' | 'hash_mismatch',
    message: string,
  ) {
    super(message);
  }
}

export function isValidOid(oid: string): boolean {
  return OID.test(oid);
}

/** The layout objects of this algorithm use: 'md5' ⇒ DVC 3, 'md5-dos2unix' ⇒ DVC 2. */
export function layoutOf(algorithm: HashAlgorithm): CacheLayout {
  return algorithm === 'md5' ? 'v3' : 'v2';
}

/**
 * The object's path relative to the cache or remote root, POSIX separators.
 * @throws CacheError('invalid_oid') for anything but `[0-9a-f]{32}` with an optional `.dir`.
 * @example objectPath('153aad06d376b6595932470e459ef42a.dir', 'v3') // 'files/md5/15/3aad06d376b6595932470e459ef42a.dir'
 */
export function objectPath(oid: string, layout: CacheLayout): string {
  if (!isValidOid(oid)) throw new CacheError('invalid_oid', `not a DVC object id: ${JSON.stringify(oid.slice(0, 80))}`);
  const rel = `${oid.slice(0, 2)}/${oid.slice(2)}`;
  return layout === 'v3' ? `files/md5/${rel}` : rel;
}

/** The inverse of `objectPath`: which object a relative path names, or undefined if none. */
export function parseObjectPath(path: string): { oid: string; layout: CacheLayout } | undefined {
  const m = /^(files\/md5\/)?([0-9a-f]{2})\/([0-9a-f]{30}(?:\.dir)?)$/.exec(path);
  if (!m) return undefined;
  return { oid: `${m[2]}${m[3]}`, layout: m[1] ? 'v3' : 'v2' };
}

/** Whether the object id names a directory manifest. */
export function isDirOid(oid: string): boolean {
  return oid.endsWith('.dir');
}
