/**
 * The columns of the runs table: attributes, params, metrics and tags, and what a cell holds.
 * A metric cell shows the chosen summary (last, min or max) — the same summary the charts use.
 * Column ids are `kind:key` (`metric:val.loss`, `param:lr`), which is also their URL form.
 */
import type { Run } from '@cairn/core/runs';

export type ColumnKind = 'attr' | 'param' | 'metric' | 'tag';
export type MetricSummaryKind = 'last' | 'min' | 'max';

export interface Column {
  id: string;
  kind: ColumnKind;
  key: string;
}

export type Cell = string | number | null;

export const ATTRIBUTE_KEYS = ['name', 'status', 'start_time', 'source', 'user'] as const;

export function columnId(kind: ColumnKind, key: string): string {
  return `${kind}:${key}`;
}

export function parseColumnId(id: string): Column | null {
  const i = id.indexOf(':');
  if (i < 0) return null;
  const kind = id.slice(0, i) as ColumnKind;
  if (kind !== 'attr' && kind !== 'param' && kind !== 'metric' && kind !== 'tag') return null;
  return { id, kind, key: id.slice(i + 1) };
}

/** Every column the runs have: attributes first, then params, metrics and tags, each sorted. */
export function columnsOf(runs: readonly Run[]): Column[] {
  const params = new Set<string>();
  const metrics = new Set<string>();
  const tags = new Set<string>();
  for (const r of runs) {
    for (const k in r.params) params.add(k);
    for (const k in r.metrics) metrics.add(k);
    for (const k in r.tags) if (!k.startsWith('mlflow.')) tags.add(k);
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return [
    ...ATTRIBUTE_KEYS.map((k) => ({ id: columnId('attr', k), kind: 'attr' as const, key: k })),
    ...sorted(params).map((k) => ({ id: columnId('param', k), kind: 'param' as const, key: k })),
    ...sorted(metrics).map((k) => ({ id: columnId('metric', k), kind: 'metric' as const, key: k })),
    ...sorted(tags).map((k) => ({ id: columnId('tag', k), kind: 'tag' as const, key: k })),
  ];
}

/** Where a run came from, in words: the MLflow experiment or the branch and short commit. */
export function sourceLabel(run: Run): string {
  return run.source.kind === 'git' ? `${run.source.branch}@${run.source.commit.slice(0, 7)}` : 'mlflow';
}

function own<T>(rec: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(rec, key) ? rec[key] : undefined;
}

/** The value a cell shows; numbers stay numbers (for sorting and charts), missing is null. */
export function cellValue(run: Run, col: Column, summary: MetricSummaryKind = 'last'): Cell {
  switch (col.kind) {
    case 'metric': {
      if (summary === 'last') return own(run.metrics, col.key) ?? null;
      const s = own(run.metricSummaries, col.key);
      return s ? s[summary] : (own(run.metrics, col.key) ?? null);
    }
    case 'param': {
      const v = own(run.params, col.key);
      if (v === undefined) return null;
      // Params are text; numeric ones sort and plot as numbers.
      const n = v.trim() === '' ? Number.NaN : Number(v);
      return Number.isFinite(n) ? n : v;
    }
    case 'tag':
      return own(run.tags, col.key) ?? null;
    case 'attr':
      switch (col.key) {
        case 'name':
          return run.name;
        case 'status':
          return run.status;
        case 'start_time':
          return run.startTime;
        case 'source':
          return sourceLabel(run);
        case 'user':
          return run.userId;
        default:
          return null;
      }
  }
}

/** A cell as text for the table and CSV. */
export function formatCell(value: Cell, col: Column): string {
  if (value === null) return '';
  if (col.kind === 'attr' && col.key === 'start_time' && typeof value === 'number') {
    return new Date(value).toISOString().replace('T', ' ').slice(0, 19);
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    const abs = Math.abs(value);
    return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(4) : String(Number(value.toPrecision(6)));
  }
  return value;
}

/** Numbers before text, missing last; numbers ascending with NaN after them. */
export function compareCells(a: Cell, b: Cell): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') {
    const an = Number.isNaN(a);
    const bn = Number.isNaN(b);
    if (an || bn) return an === bn ? 0 : an ? 1 : -1;
    return a - b;
  }
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Columns whose value is not the same in every run ("only columns that differ"). */
export function differingColumns(runs: readonly Run[], cols: readonly Column[], summary: MetricSummaryKind): Column[] {
  if (runs.length < 2) return [...cols];
  return cols.filter((c) => {
    if (c.kind === 'attr' && c.key === 'name') return true;
    const first = cellValue(runs[0] as Run, c, summary);
    for (let i = 1; i < runs.length; i++) {
      const v = cellValue(runs[i] as Run, c, summary);
      if (v !== first && !(Number.isNaN(v) && Number.isNaN(first))) return true;
    }
    return false;
  });
}
