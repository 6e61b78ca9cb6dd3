/**
 * Column names suggested while a filter is typed: the name being written at the end of the
 * text (`metrics.val`, `val`, `params.b`) completed to the columns the runs have, each as the
 * whole filter text with that name completed (what a `<datalist>` offers).
 */
import type { Column } from './run-columns.ts';

const ENTITY = { metric: 'metrics', param: 'params', tag: 'tags' } as const;
/** Attributes the filter box knows, `note` (the text of a run's note) among them. */
const ATTRIBUTES = ['run_name', 'status', 'start_time', 'user_id', 'run_id', 'note'];
const MAX = 12;

/** How a column is named in the filter language (keys with other characters in backticks). */
export function filterName(col: Column): string | null {
  if (col.kind === 'attr') return null;
  const key = /^[\w.]+$/.test(col.key) ? col.key : `\`${col.key}\``;
  return `${ENTITY[col.kind]}.${key}`;
}

export function filterSuggestions(text: string, columns: readonly Column[]): string[] {
  const m = /[A-Za-z_][\w.:-]*$/.exec(text);
  if (!m) return [];
  const frag = m[0].toLowerCase();
  const head = text.slice(0, m.index);
  const names = [...columns.map(filterName).filter((n): n is string => n !== null), ...ATTRIBUTES];
  // The name as written (`metrics.val`) or just the key (`val` → metrics.val_iou).
  const starts = names.filter((n) => n.toLowerCase().startsWith(frag) && n.toLowerCase() !== frag);
  const keys = names.filter(
    (n) =>
      !starts.includes(n) &&
      n
        .slice(n.indexOf('.') + 1)
        .toLowerCase()
        .startsWith(frag) &&
      frag.length >= 2,
  );
  return [...starts, ...keys].slice(0, MAX).map((n) => `${head}${n}`);
}
