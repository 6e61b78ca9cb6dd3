/**
 * The rows a table shows after a sort and a filter: an order of row indices over the parsed
 * rows (the rows themselves never move). Numbers compare as numbers, other text naturally
 * (`a2` before `a10`); empty cells go last either way. The filter keeps rows where any cell
 * contains the text, ignoring case.
 */
export interface CsvViewSpec {
  sort: { column: number; descending: boolean } | null;
  filter: string;
}

const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

export function isNumeric(cell: string): boolean {
  return NUMBER.test(cell);
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compareCells(a: string, b: string): number {
  if (a === '' || b === '') return a === b ? 0 : a === '' ? 1 : -1;
  if (isNumeric(a) && isNumeric(b)) return Number(a) - Number(b);
  return collator.compare(a, b);
}

/** Row indices in view order; null when the spec is the file's own order with every row. */
export function csvOrder(rows: readonly (readonly string[])[], spec: CsvViewSpec): Uint32Array | null {
  const needle = spec.filter.trim().toLowerCase();
  if (!spec.sort && !needle) return null;
  const kept: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (!needle || (rows[i] ?? []).some((cell) => cell.toLowerCase().includes(needle))) kept.push(i);
  }
  const sort = spec.sort;
  if (sort) {
    const sign = sort.descending ? -1 : 1;
    kept.sort((x, y) => {
      const a = rows[x]?.[sort.column] ?? '';
      const b = rows[y]?.[sort.column] ?? '';
      const c = compareCells(a, b);
      // Empty cells stay last in both directions; ties keep the file's order.
      if (a === '' || b === '') return c || x - y;
      return sign * c || x - y;
    });
  }
  return Uint32Array.from(kept);
}
