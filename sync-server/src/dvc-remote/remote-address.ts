/**
 * Parsing of DVC remote URLs (docs/FORMATS.md §2). The remote of `owner/repo` is `/owner/repo.dvc`;
 * what follows is an object path of either layout, read by core's `parseObjectName`
 * (@cairn/core/cache: `files/md5/ab/cdef…` or `ab/cdef…`, `.dir` for manifests), or the batch
 * call. Names are data, never paths: percent-escapes are not decoded (`%2e%2e` never becomes `..`).
 */

export interface RemoteAddress {
  owner: string;
  repo: string;
  /** What follows `/owner/repo.dvc/` ('' for the remote's root). */
  rest: string;
}

const REMOTE = /^\/([^/]+)\/([^/]+)\.dvc(?:\/(.*))?$/;

/** `/demo/seg.dvc/files/md5/ab/…` → `{owner: 'demo', repo: 'seg', rest: 'files/md5/ab/…'}`; null if not a DVC URL. */
export function parseRemoteAddress(pathname: string): RemoteAddress | null {
  const m = REMOTE.exec(pathname);
  if (!m) return null;
  return { owner: m[1] as string, repo: m[2] as string, rest: m[3] ?? '' };
}
