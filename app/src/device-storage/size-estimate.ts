/**
 * Sizes of stored values, estimated without serialising them: IndexedDB does not say how many
 * bytes a row takes, and counting every row of 100,000 runs would stall the page. A sample of
 * rows is measured and scaled to the row count. Pure, for tests.
 */

/** Roughly the bytes IndexedDB needs for `value` (typed arrays by length, strings as UTF-16). */
export function estimateValueBytes(value: unknown, depth = 0): number {
  if (value === null || value === undefined) return 1;
  if (typeof value === 'number') return 8;
  if (typeof value === 'boolean') return 1;
  if (typeof value === 'string') return 2 * value.length;
  if (typeof value === 'bigint') return 16;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (typeof Blob !== 'undefined' && value instanceof Blob) return value.size;
  if (depth > 16 || typeof value !== 'object') return 8;
  let bytes = 0;
  if (Array.isArray(value)) {
    for (const item of value) bytes += estimateValueBytes(item, depth + 1);
    return bytes + 8;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    bytes += 2 * key.length + estimateValueBytes(item, depth + 1);
  }
  return bytes + 8;
}

/** `count` rows estimated from a sample of them: the sample's mean times the count. */
export function scaleSample(sample: readonly unknown[], count: number): number {
  if (count === 0 || sample.length === 0) return 0;
  const total = sample.reduce<number>((n, row) => n + estimateValueBytes(row), 0);
  return Math.round((total / sample.length) * count);
}

/** "1 run", "2 runs": a count with its noun. */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
