/**
 * Every run slot of the runs table's worker in one column's order, made once and reused by
 * every later query on that column: a sort flipped, a filter typed, a page of runs scrolled —
 * each then walks this order and keeps the slots its filter kept (one pass over Uint32Arrays),
 * instead of reading the column and sorting again. The order is run-table.ts sortRuns': numbers,
 * then NaN, then text, missing last; ties in run id order. Descending reverses the values but
 * not the ties, nor moves the missing from the end. Pure: no I/O.
 */

/** A cell's class as sortRuns sees it. */
export const NUMBER = 0;
export const NOT_A_NUMBER = 1;
export const TEXT = 2;
export const MISSING = 3;

export interface ColumnOrder {
  /** Every slot, ascending. */
  slots: Uint32Array;
  /** 1 where slots[k] holds another value than slots[k - 1] (and at 0). */
  starts: Uint8Array;
  /** Where the slots without a value begin. */
  missingFrom: number;
}

/** First index in sorted[0…d) not below v. */
function lowerBound(sorted: Float64Array, d: number, v: number): number {
  let lo = 0;
  let hi = d;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The order of slots 0…n-1 from their cells: `cls[s]` (NUMBER…MISSING), `nums[s]` for numbers,
 * `texts[s]` for text; `idRank[s]` is the slot's place in run id order. Each slot's place among
 * the distinct values becomes one number (rank·n + id rank) and one native sort orders them —
 * no comparator calling into script for every pair.
 */
export function columnOrder(
  cls: Uint8Array,
  nums: Float64Array,
  texts: readonly (string | undefined)[],
  idRank: Uint32Array,
): ColumnOrder {
  const n = cls.length;
  const values = new Float64Array(n);
  let dn = 0;
  for (let s = 0; s < n; s++) if (cls[s] === NUMBER) values[dn++] = (nums[s] as number) + 0; // -0 is 0
  const sorted = values.subarray(0, dn).sort();
  let d = 0;
  for (let k = 0; k < dn; k++)
    if (d === 0 || (sorted[k] as number) !== (sorted[d - 1] as number)) sorted[d++] = sorted[k] as number;
  const distinctTexts = [...new Set(texts.filter((t): t is string => t !== undefined))].sort();
  const textRank = new Map(distinctTexts.map((t, i) => [t, i]));
  const missing = d + 1 + distinctTexts.length;
  // Exact while (missing + 1)·n < 2⁵³.
  const composite = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    const c = cls[s] as number;
    const r =
      c === NUMBER
        ? lowerBound(sorted, d, (nums[s] as number) + 0)
        : c === NOT_A_NUMBER
          ? d
          : c === TEXT
            ? d + 1 + (textRank.get(texts[s] as string) as number)
            : missing;
    composite[s] = r * n + (idRank[s] as number);
  }
  composite.sort();
  const slotOfRank = new Uint32Array(n);
  for (let s = 0; s < n; s++) slotOfRank[idRank[s] as number] = s;
  const slots = new Uint32Array(n);
  const starts = new Uint8Array(n);
  let missingFrom = n;
  let before = -1;
  for (let k = 0; k < n; k++) {
    const x = composite[k] as number;
    const r = Math.floor(x / n);
    slots[k] = slotOfRank[x - r * n] as number;
    if (r !== before) starts[k] = 1;
    if (r === missing && missingFrom === n) missingFrom = k;
    before = r;
  }
  return { slots, starts, missingFrom };
}

/** The slots `keep` marks (`count` of them), in the column's order. */
export function pickInOrder(
  order: ColumnOrder,
  keep: Uint8Array,
  count: number,
  direction: 'asc' | 'desc',
): Uint32Array {
  const { slots, starts, missingFrom } = order;
  const out = new Uint32Array(count);
  let at = 0;
  const take = (from: number, to: number) => {
    for (let k = from; k < to && at < count; k++) {
      const s = slots[k] as number;
      if (keep[s]) out[at++] = s;
    }
  };
  if (direction === 'asc') take(0, slots.length);
  else {
    // Values from the greatest down, each value's runs in id order; the missing stay last.
    let end = missingFrom;
    while (end > 0) {
      let start = end - 1;
      while (start > 0 && !starts[start]) start--;
      take(start, end);
      end = start;
    }
    take(missingFrom, slots.length);
  }
  return at === count ? out : out.subarray(0, at);
}
