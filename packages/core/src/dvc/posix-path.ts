/** POSIX path helpers for repository-relative paths (core has no `node:path`). */

/** Normalises `a/./b/../c` → `a/c`; '' and '.' → '.'; keeps a leading `..` that escapes. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return out.length === 0 ? '.' : out.join('/');
}

/** Joins repository-relative POSIX paths and normalises the result. */
export function joinPath(...parts: string[]): string {
  return normalizePath(parts.filter((p) => p !== '' && p !== '.').join('/'));
}

/** The directory part of a path ('.' for a bare name). */
export function dirnameOf(path: string): string {
  const n = normalizePath(path);
  const i = n.lastIndexOf('/');
  return i < 0 ? '.' : n.slice(0, i);
}

/** True when `inner` equals `outer` or lies inside it. */
export function isSameOrInside(inner: string, outer: string): boolean {
  if (outer === '.') return true;
  return inner === outer || inner.startsWith(`${outer}/`);
}
