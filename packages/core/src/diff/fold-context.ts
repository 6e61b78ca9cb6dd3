/**
 * Which rows of a diff a view shows: changed rows with `context` unchanged lines around them,
 * and folds for the runs of unchanged lines between, which the user can open.
 */
import type { DiffRow } from './line-diff.ts';

export type DiffBlock =
  | { type: 'rows'; start: number; end: number }
  /** Unchanged rows [start, end) folded away. */
  | { type: 'fold'; start: number; end: number };

/**
 * Blocks covering rows [0, rows.length) in order. A fold shorter than `minFold` rows is shown
 * instead: a "show 1 line" button is no shorter than the line.
 */
export function foldContext(rows: readonly DiffRow[], context = 3, minFold = 2): DiffBlock[] {
  const keep = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]?.kind === 'same') continue;
    for (let k = Math.max(0, i - context); k <= Math.min(rows.length - 1, i + context); k++) keep[k] = 1;
  }
  const blocks: DiffBlock[] = [];
  let i = 0;
  while (i < rows.length) {
    const start = i;
    const kept = keep[i] === 1;
    while (i < rows.length && (keep[i] === 1) === kept) i++;
    const type = kept || i - start < minFold ? 'rows' : 'fold';
    const last = blocks[blocks.length - 1];
    if (last && last.type === 'rows' && type === 'rows') last.end = i;
    else blocks.push({ type, start, end: i });
  }
  return blocks;
}

export interface SplitRow {
  left: DiffRow | null;
  right: DiffRow | null;
}

/** Rows [start, end) side by side: a removed line beside the added line that replaced it. */
export function splitRows(rows: readonly DiffRow[], start = 0, end = rows.length): SplitRow[] {
  const out: SplitRow[] = [];
  let i = start;
  while (i < end) {
    const row = rows[i] as DiffRow;
    if (row.kind === 'same') {
      out.push({ left: row, right: row });
      i++;
      continue;
    }
    const dels: DiffRow[] = [];
    const adds: DiffRow[] = [];
    while (i < end && rows[i]?.kind === 'del') dels.push(rows[i++] as DiffRow);
    while (i < end && rows[i]?.kind === 'add') adds.push(rows[i++] as DiffRow);
    for (let k = 0; k < Math.max(dels.length, adds.length); k++)
      out.push({ left: dels[k] ?? null, right: adds[k] ?? null });
  }
  return out;
}
