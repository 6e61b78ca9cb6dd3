/**
 * Where an object lives in a DVC cache or remote (dvc/cachemgr.py, dvc/data_cloud.py):
 * - DVC 3 (`hash: md5` entries): `files/md5/<h[0:2]>/<h[2:]>`;
 * - DVC 2 / legacy (`md5-dos2unix`, no `hash` key): `<h[0:2]>/<h[2:]>`.
 * A repository can hold both; the layout is decided per entry from its hash algorithm.
 * Object ids are validated before they become paths: names are data, not paths.
 */
import { CairnError } from '../errors/cairn-error.ts';
import type { HashAlgorithm } from '../hash/file-hash.ts';

export type CacheLayout = 'v3' | 'v2';

/** An MD5 as DVC writes it: 32 lowercase hex digits (the name of a blob on disk). */
export const MD5_HEX = /^[0-9a-f]{32}$/;
/** A DVC object id: an MD5, optionally with `.dir` (directory manifests are stored under the suffixed id). */
export const OID_PATTERN = /^[0-9a-f]{32}(\.dir)?$/;

export class CacheError extends CairnError<'invalid_oid' | 'invalid_object_path' | 'hash_mismatch'> {
  override readonly name = 'CacheError';
}

export function isValidOid(oid: string): boolean {
  return OID_PATTERN.test(oid);
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

/** An object named by a path in a cache or remote. */
export interface ObjectName {
  /** The id DVC uses: `md5` or `md5.dir`. */
  oid: string;
  /** The 32 hex digits alone (what blob stores are keyed by). */
  md5: string;
  isDir: boolean;
  layout: CacheLayout;
}

const OBJECT_PATH = /^(files\/md5\/)?([0-9a-f]{2})\/([0-9a-f]{30})(\.dir)?$/;

/**
 * The inverse of `objectPath` with the parts a remote needs, or undefined if the path names no
 * object. Percent-escapes are not decoded: `%2e%2e` is not an object.
 * @example parseObjectName('01/23456789abcdef0123456789abcdef.dir') // { oid: '0123…def.dir', md5: '0123…def', isDir: true, layout: 'v2' }
 */
export function parseObjectName(path: string): ObjectName | undefined {
  const m = OBJECT_PATH.exec(path);
  if (!m) return undefined;
  const md5 = `${m[2]}${m[3]}`;
  const isDir = m[4] === '.dir';
  return { oid: isDir ? `${md5}.dir` : md5, md5, isDir, layout: m[1] ? 'v3' : 'v2' };
}

/** The inverse of `objectPath`: which object a relative path names, or undefined if none. */
export function parseObjectPath(path: string): { oid: string; layout: CacheLayout } | undefined {
  const name = parseObjectName(path);
  return name && { oid: name.oid, layout: name.layout };
}

/** Whether the object id names a directory manifest. */
export function isDirOid(oid: string): boolean {
  return oid.endsWith('.dir');
}
