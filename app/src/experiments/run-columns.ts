/**
 * The columns of the runs table: attributes, params, metrics and tags, and what a cell holds.
 * A metric cell shows the chosen summary (last, min or max) — the same summary the charts use.
 * Column ids are `kind:key` (`metric:val.loss`, `param:lr`), which is also their URL form.
 * Runs come keyed by name (core's unifyRunKeys), so MLflow's `val_iou` and a git experiment's
 * `metrics.csv:val_iou` are one column; the files a column's values came from are its `files`.
 * The note column (`attr:note`) shows the first line of each run's live note: its values come
 * from the notes on this device (RunNotes, by run id), passed beside the runs, not from them.
 */
import { type KeyedRun, type Run, type RunBlock, type RunNotes, runBlockKeys } from '@cairn/core/runs';
import { firstLine } from '../notes/notes-index.ts';

export type ColumnKind = 'attr' | 'param' | 'metric' | 'tag';
export type MetricSummaryKind = 'last' | 'min' | 'max';

export interface Column {
  id: string;
  kind: ColumnKind;
  key: string;
  /** Files git experiments read this column's values from (a detail for the header). */
  files?: string[];
}

export type Cell = string | number | null;

export const ATTRIBUTE_KEYS = ['name', 'status', 'start_time', 'source', 'user'] as const;

/** The column of runs' notes (their first line). */
export const NOTE_COLUMN: Column = { id: 'attr:note', kind: 'attr', key: 'note' };

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

/** The keys runs have, gathered run by run or block by block (see columnsFromKeys). */
export interface ColumnKeys {
  params: Set<string>;
  metrics: Set<string>;
  tags: Set<string>;
  files: { metric: Map<string, Set<string>>; param: Map<string, Set<string>> };
  /** Shared key lists of uniform snapshot blocks already read (see runBlockKeys). */
  blocksSeen: Set<object>;
}

export function newColumnKeys(): ColumnKeys {
  return {
    params: new Set(),
    metrics: new Set(),
    tags: new Set(),
    files: { metric: new Map(), param: new Map() },
    blocksSeen: new Set(),
  };
}

/** Adds one run's keys (and, for a keyed git experiment, the files its values came from). */
export function addRunKeys(keys: ColumnKeys, r: Run): void {
  const noteFiles = (kind: 'metric' | 'param', origins: Record<string, { file: string | null }[]>) => {
    for (const name in origins) {
      for (const o of origins[name] ?? []) {
        if (o.file === null) continue;
        const set = keys.files[kind].get(name);
        if (set) set.add(o.file);
        else keys.files[kind].set(name, new Set([o.file]));
      }
    }
  };
  // Runs decoded from a uniform snapshot block share their keys: read once per block.
  const shared = runBlockKeys(r);
  if (shared) {
    if (keys.blocksSeen.has(shared)) return;
    keys.blocksSeen.add(shared);
    for (const k of shared.params) keys.params.add(k);
    for (const k of shared.metrics) keys.metrics.add(k);
    for (const k of shared.tags) if (!k.startsWith('mlflow.')) keys.tags.add(k);
    return;
  }
  for (const k in r.params) keys.params.add(k);
  for (const k in r.metrics) keys.metrics.add(k);
  for (const k in r.tags) if (!k.startsWith('mlflow.')) keys.tags.add(k);
  const origins = (r as KeyedRun).keyOrigins;
  if (origins) {
    noteFiles('metric', origins.metrics);
    noteFiles('param', origins.params);
  }
}

/** Adds the keys gathered in `from` to `into` (the files of keyed columns too). */
export function mergeColumnKeys(into: ColumnKeys, from: ColumnKeys): void {
  for (const k of from.params) into.params.add(k);
  for (const k of from.metrics) into.metrics.add(k);
  for (const k of from.tags) into.tags.add(k);
  for (const kind of ['metric', 'param'] as const) {
    for (const [name, files] of from.files[kind]) {
      const set = into.files[kind].get(name);
      if (set) for (const f of files) set.add(f);
      else into.files[kind].set(name, new Set(files));
    }
  }
}

/** Adds the keys of a columnar block's runs (what addRunKeys of each decoded run would add). */
export function addBlockKeys(keys: ColumnKeys, block: RunBlock): void {
  for (const c of block.params) keys.params.add(c.key);
  for (const c of block.tags) if (!c.key.startsWith('mlflow.')) keys.tags.add(c.key);
  for (const c of block.metrics) {
    if (keys.metrics.has(c.key)) continue;
    for (let i = 0; i < block.count; i++) {
      if ((c.has[i] as number) & 1) {
        keys.metrics.add(c.key);
        break;
      }
    }
  }
}

/**
 * Every column of the keys gathered, in the order people read results (as MLflow and W&B show
 * them): the name, then metrics, params, the other attributes and tags, each sorted by key.
 */
export function columnsFromKeys(keys: ColumnKeys): Column[] {
  const sorted = (s: Set<string>) => [...s].sort();
  const keyed = (kind: 'param' | 'metric', k: string): Column => {
    const f = keys.files[kind].get(k);
    return f ? { id: columnId(kind, k), kind, key: k, files: [...f].sort() } : { id: columnId(kind, k), kind, key: k };
  };
  const attr = (k: string): Column => ({ id: columnId('attr', k), kind: 'attr', key: k });
  return [
    attr('name'),
    ...sorted(keys.metrics).map((k) => keyed('metric', k)),
    ...sorted(keys.params).map((k) => keyed('param', k)),
    ...ATTRIBUTE_KEYS.filter((k) => k !== 'name').map(attr),
    ...sorted(keys.tags).map((k) => ({ id: columnId('tag', k), kind: 'tag' as const, key: k })),
  ];
}

/** Every column the runs have (see columnsFromKeys). */
export function columnsOf(runs: readonly Run[]): Column[] {
  const keys = newColumnKeys();
  for (const r of runs) addRunKeys(keys, r);
  return columnsFromKeys(keys);
}

/** Metrics where lower is better (losses, errors, times): a rise against the baseline is worse. */
export function lowerIsBetter(key: string): boolean {
  return /(loss|err|error|mse|mae|rmse|perplexity|wer|cer|latency|time|duration|fpr|fnr)(\b|_|$)/i.test(
    key.slice(key.lastIndexOf('/') + 1),
  );
}

/** DVC names experiment refs `exps/<2 hex>/<38 hex of the baseline commit>/<name>`. */
const DVC_EXP_REF = /^exps\/[0-9a-f]{2}\/[0-9a-f]{38}\/(.+)$/;

/**
 * Where a run came from, in words: the MLflow experiment, or the branch and short commit (a
 * DVC experiment by its name: its ref's long baseline id says nothing at a glance).
 */
export function sourceLabel(run: Run): string {
  if (run.source.kind !== 'git') return 'mlflow';
  const exp = DVC_EXP_REF.exec(run.source.branch);
  return `${exp ? `exp ${exp[1]}` : run.source.branch}@${run.source.commit.slice(0, 7)}`;
}

function own<T>(rec: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(rec, key) ? rec[key] : undefined;
}

/** The first line of a run's note (heading marks stripped); null when it has none. */
export function noteCell(run: Run, notes: RunNotes | undefined): string | null {
  const text = notes?.get(run.id);
  return text ? firstLine(text) || null : null;
}

/**
 * The value a cell shows; numbers stay numbers (for sorting and charts), missing is null.
 * `notes` is read only by the note column.
 */
export function cellValue(run: Run, col: Column, summary: MetricSummaryKind = 'last', notes?: RunNotes): Cell {
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
        case 'note':
          return noteCell(run, notes);
        default:
          return null;
      }
  }
}

/** What a cell shows: params as written (`0.0003`, not `3.0000e-4`), other cells formatted. */
export function cellText(run: Run, col: Column, summary: MetricSummaryKind = 'last', notes?: RunNotes): string {
  if (col.kind === 'param') return own(run.params, col.key) ?? '';
  return formatCell(cellValue(run, col, summary, notes), col);
}

/** A cell as text for the table and CSV. */
/** The scanner's `cairn.metrics_state` values (core git-experiment.ts), in words. */
const METRICS_STATE_WORDS: Record<string, string> = {
  present: 'in git',
  'params-only': 'params only',
  'in-dvc-data': 'in DVC data',
  missing: 'missing',
};

/** What a metric cell a run has no value for says: DVC-kept metrics are not "nothing". */
export function missingMetricText(run: Run): string {
  return run.tags['cairn.metrics_state'] === 'in-dvc-data' ? 'in DVC data' : '';
}

export function formatCell(value: Cell, col: Column): string {
  if (value === null) return '';
  if (col.kind === 'tag' && col.key === 'cairn.metrics_state' && typeof value === 'string') {
    return METRICS_STATE_WORDS[value] ?? value;
  }
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
export function differingColumns(
  runs: readonly Run[],
  cols: readonly Column[],
  summary: MetricSummaryKind,
  notes?: RunNotes,
): Column[] {
  if (runs.length < 2) return [...cols];
  return cols.filter((c) => {
    if (c.kind === 'attr' && c.key === 'name') return true;
    const first = cellValue(runs[0] as Run, c, summary, notes);
    for (let i = 1; i < runs.length; i++) {
      const v = cellValue(runs[i] as Run, c, summary, notes);
      if (v !== first && !(Number.isNaN(v) && Number.isNaN(first))) return true;
    }
    return false;
  });
}
