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

/** A branch's history; with `path`, only the commits that changed that file or folder. */
export function commitsUrl(owner: string, repo: string, rev: string, path = ''): string {
  const base = `${repoBase(owner, repo)}/commits/${encodePath(rev)}`;
  return path ? `${base}?path=${encodeURIComponent(path)}` : base;
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

/** `/owner/repo/compare/BASE...HEAD`: what HEAD changed since it left BASE (GitHub's shape). */
export function compareUrl(owner: string, repo: string, base: string, head: string): string {
  return `${repoBase(owner, repo)}/compare/${encodePath(base)}...${encodePath(head)}`;
}

export interface CompareRange {
  base: string;
  head: string;
  /** `...`: from the merge base of the two to head (GitHub's default); `..`: base to head directly. */
  mode: 'merge-base' | 'direct';
}

/** Splits the decoded tail of a compare URL; null when it names no two revisions. */
export function parseCompareRange(range: string): CompareRange | null {
  const three = range.indexOf('...');
  const two = range.indexOf('..');
  const [at, width, mode] =
    three >= 0
      ? [three, 3, 'merge-base' as const]
      : two >= 0
        ? [two, 2, 'direct' as const]
        : [-1, 0, 'direct' as const];
  if (at < 0) return null;
  const base = range.slice(0, at);
  const head = range.slice(at + width);
  if (!base || !head || head.includes('..')) return null;
  return { base, head, mode };
}
