/**
 * Matching two sequences in order: the longest common subsequence under a predicate, and the
 * longest increasing run of a list of pairs (which matched items kept their order; the others
 * moved). Used to pair notebook cells; small enough inputs that O(n·m) is fine.
 */

/** Past this many comparisons the match gives up (returns no pairs) rather than stall. */
const MAX_CELLS_PRODUCT = 4_000_000;

/** Index pairs [i, j] of a longest common subsequence of a[0..n) and b[0..m) under `same`. */
export function longestCommon(n: number, m: number, same: (i: number, j: number) => boolean): [number, number][] {
  if (n === 0 || m === 0 || n * m > MAX_CELLS_PRODUCT) return [];
  const width = m + 1;
  const table = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * width + j] = same(i, j)
        ? (table[(i + 1) * width + j + 1] as number) + 1
        : Math.max(table[(i + 1) * width + j] as number, table[i * width + j + 1] as number);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const here = table[i * width + j] as number;
    if (here === (table[(i + 1) * width + j + 1] as number) + 1 && same(i, j)) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if ((table[(i + 1) * width + j] as number) === here) i++;
    else j++;
  }
  return pairs;
}

/** Of pairs sorted by their first index, the indexes of a longest run increasing in the second. */
export function longestIncreasing(pairs: readonly [number, number][]): Set<number> {
  const tails: number[] = [];
  const previous = new Int32Array(pairs.length).fill(-1);
  for (let k = 0; k < pairs.length; k++) {
    const value = (pairs[k] as [number, number])[1];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((pairs[tails[mid] as number] as [number, number])[1] < value) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[k] = tails[lo - 1] as number;
    tails[lo] = k;
  }
  const keep = new Set<number>();
  let k = tails.length ? (tails[tails.length - 1] as number) : -1;
  while (k >= 0) {
    keep.add(k);
    k = previous[k] as number;
  }
  return keep;
}
