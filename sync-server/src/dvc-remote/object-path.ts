/**
 * Parsing of DVC remote URLs (docs/FORMATS.md §2). The remote of `owner/repo` is
 * `/owner/repo.dvc`; an object is `files/md5/ab/cdef…` (DVC 3) or `ab/cdef…` (DVC 2), with
 * `.dir` for directory manifests. Names are data, never paths: anything else is refused, and
 * percent-escapes are not decoded (so `%2e%2e` never becomes `..`).
 */

export interface RemoteAddress {
  owner: string;
  repo: string;
  /** What follows `/owner/repo.dvc/` ('' for the remote's root). */
  rest: string;
}

export interface ObjectName {
  md5: string;
  isDir: boolean;
  /** The id DVC uses: `md5` or `md5.dir`. */
  oid: string;
  layout: 'dvc3' | 'dvc2';
}

const REMOTE = /^\/([^/]+)\/([^/]+)\.dvc(?:\/(.*))?$/;
const OBJECT = /^(files\/md5\/)?([0-9a-f]{2})\/([0-9a-f]{30})(\.dir)?$/;
/** An oid as sent to the batch call. */
export const OID = /^[0-9a-f]{32}(\.dir)?$/;

/** `/demo/seg.dvc/files/md5/ab/…` → `{owner: 'demo', repo: 'seg', rest: 'files/md5/ab/…'}`; null if not a DVC URL. */
export function parseRemoteAddress(pathname: string): RemoteAddress | null {
  const m = REMOTE.exec(pathname);
  if (!m) return null;
  return { owner: m[1] as string, repo: m[2] as string, rest: m[3] ?? '' };
}

/** The object an address names, or null when `rest` is not an object path of either layout. */
export function parseObjectName(rest: string): ObjectName | null {
  const m = OBJECT.exec(rest);
  if (!m) return null;
  const md5 = `${m[2]}${m[3]}`;
  const isDir = m[4] === '.dir';
  return { md5, isDir, oid: isDir ? `${md5}.dir` : md5, layout: m[1] ? 'dvc3' : 'dvc2' };
}
