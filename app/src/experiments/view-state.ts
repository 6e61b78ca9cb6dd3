/**
 * The experiments views' state as URL search parameters, so a view can be shared and reloads
 * to itself: filter, sort, columns (order = shown order), pinned columns, resized columns'
 * widths, metric summary, grouping, "only columns that differ", baseline, selection and whether
 * the parallel coordinates plot is open; the
 * compare view adds its
 * chart options. Unknown or damaged values fall back to defaults.
 */
import type { MetricSummaryKind } from './run-columns.ts';

export interface TableViewState {
  filter: string;
  sort: string | null;
  direction: 'asc' | 'desc';
  /** Shown columns in order; null = the default set. */
  columns: string[] | null;
  pinned: string[];
  summary: MetricSummaryKind;
  groupBy: string | null;
  onlyDiffering: boolean;
  baseline: string | null;
  selected: string[];
  /** Widths in px of the columns a person resized, by column id (the others keep their default). */
  widths: Record<string, number>;
  /** The parallel coordinates plot of the shown runs is open. */
  plot: boolean;
}

/** Widths kept in the URL stay within what a drag can make. */
export const MIN_COLUMN_WIDTH = 70;
export const MAX_COLUMN_WIDTH = 2000;

/**
 * `w=ID:PX,ID:PX` — only resized columns, so the link stays short; a damaged or out-of-range
 * pair is dropped (the column keeps its default width).
 */
function readWidths(value: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of list(value)) {
    const at = pair.lastIndexOf(':');
    const px = Number(pair.slice(at + 1));
    if (at <= 0 || !Number.isInteger(px) || px < MIN_COLUMN_WIDTH || px > MAX_COLUMN_WIDTH) continue;
    out[pair.slice(0, at)] = px;
  }
  return out;
}

function writeWidths(widths: Record<string, number>): string {
  // Only the list's own separator (and '%') is escaped: ids are mostly `metric:val_iou`, and the
  // link stays readable (`list` decodes both escapes).
  return Object.entries(widths)
    .map(([id, px]) => `${id.replace(/[%,]/g, (c) => encodeURIComponent(c))}:${Math.round(px)}`)
    .join(',');
}

export interface CompareViewState {
  runs: string[];
  xAxis: 'step' | 'wall' | 'relative';
  smoothing: number;
  logScale: boolean;
  colorBy: string | null;
  metric: string | null;
  transposed: boolean;
  logAxes: string[];
  scatterX: string | null;
  scatterY: string | null;
}

function list(value: string | null): string[] {
  if (!value) return [];
  return value
    .split(',')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

function joinList(items: readonly string[]): string {
  return items.map((s) => encodeURIComponent(s)).join(',');
}

export function readTableState(search: URLSearchParams): TableViewState {
  const summary = search.get('summary');
  return {
    filter: search.get('q') ?? '',
    sort: search.get('sort'),
    direction: search.get('dir') === 'asc' ? 'asc' : 'desc',
    columns: search.has('cols') ? list(search.get('cols')) : null,
    pinned: list(search.get('pin')),
    summary: summary === 'min' || summary === 'max' ? summary : 'last',
    groupBy: search.get('group'),
    onlyDiffering: search.get('differ') === '1',
    baseline: search.get('base'),
    selected: list(search.get('sel')),
    widths: readWidths(search.get('w')),
    plot: search.get('plot') === '1',
  };
}

export function writeTableState(s: TableViewState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.filter) p.set('q', s.filter);
  if (s.sort) {
    p.set('sort', s.sort);
    p.set('dir', s.direction);
  }
  if (s.columns) p.set('cols', joinList(s.columns));
  if (s.pinned.length) p.set('pin', joinList(s.pinned));
  if (s.summary !== 'last') p.set('summary', s.summary);
  if (s.groupBy) p.set('group', s.groupBy);
  if (s.onlyDiffering) p.set('differ', '1');
  if (s.baseline) p.set('base', s.baseline);
  if (s.selected.length) p.set('sel', joinList(s.selected));
  if (Object.keys(s.widths).length) p.set('w', writeWidths(s.widths));
  if (s.plot) p.set('plot', '1');
  return p;
}

export function readCompareState(search: URLSearchParams): CompareViewState {
  const x = search.get('x');
  const smoothing = Number(search.get('smooth') ?? '0');
  return {
    runs: list(search.get('runs')),
    xAxis: x === 'wall' || x === 'relative' ? x : 'step',
    smoothing: Number.isFinite(smoothing) ? Math.min(0.99, Math.max(0, smoothing)) : 0,
    logScale: search.get('log') === '1',
    colorBy: search.get('color'),
    metric: search.get('metric'),
    transposed: search.get('t') === '1',
    logAxes: list(search.get('logaxes')),
    scatterX: search.get('sx'),
    scatterY: search.get('sy'),
  };
}

/** A comparison of `runs` with every other setting at its default (the Compare button's link). */
export function newCompareState(runs: string[]): CompareViewState {
  return { ...readCompareState(new URLSearchParams()), runs };
}

export function writeCompareState(s: CompareViewState): URLSearchParams {
  const p = new URLSearchParams();
  p.set('runs', joinList(s.runs));
  if (s.xAxis !== 'step') p.set('x', s.xAxis);
  if (s.smoothing > 0) p.set('smooth', String(s.smoothing));
  if (s.logScale) p.set('log', '1');
  if (s.colorBy) p.set('color', s.colorBy);
  if (s.metric) p.set('metric', s.metric);
  if (s.transposed) p.set('t', '1');
  if (s.logAxes.length) p.set('logaxes', joinList(s.logAxes));
  if (s.scatterX) p.set('sx', s.scatterX);
  if (s.scatterY) p.set('sy', s.scatterY);
  return p;
}
