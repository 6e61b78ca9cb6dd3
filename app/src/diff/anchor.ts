/**
 * The URL fragment that names one file's diff on a page (`#diff-…`, as GitHub's), so a link or
 * a reload opens and scrolls to that file. A hash of the path keeps slashes and spaces out.
 */

/** FNV-1a over the path's UTF-16 code units, twice with different seeds: 16 hex digits. */
export function diffAnchor(path: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h2 >>> 13);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  return `diff-${hex(h1)}${hex(h2)}`;
}
