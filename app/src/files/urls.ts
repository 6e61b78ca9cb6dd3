/**
 * The app's own URLs for the file and history views (DESIGN: GitHub's shapes). Every segment
 * is encoded on its own so names with spaces, `#` or `?` survive; slashes stay separators.
 */

function encodePath(path: string): string {
  return path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
}

function repoBase(owner: string, repo: string): string {
  return `/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
}

export function treeUrl(owner: string, repo: string, rev: string, path = ''): string {
  const tail = encodePath(path);
  return `${repoBase(owner, repo)}/tree/${encodePath(rev)}${tail ? `/${tail}` : ''}`;
}

export function blobUrl(owner: string, repo: string, rev: string, path: string): string {
  return `${repoBase(owner, repo)}/blob/${encodePath(rev)}/${encodePath(path)}`;
}

export function commitsUrl(owner: string, repo: string, rev: string): string {
  return `${repoBase(owner, repo)}/commits/${encodePath(rev)}`;
}

export function commitUrl(owner: string, repo: string, sha: string): string {
  return `${repoBase(owner, repo)}/commit/${encodeURIComponent(sha)}`;
}

/** URL path segments after `/tree/` or `/blob/`, decoded. */
export function decodeSegments(rest: string | undefined): string[] {
  return (rest ?? '')
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}
