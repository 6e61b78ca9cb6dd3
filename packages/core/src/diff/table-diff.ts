/**
 * Table diff of two CSV/TSV versions: columns matched by name (added / removed), rows matched by
 * a key column when one is unique in both versions (or the one the user picks), else aligned by
 * content with a line diff over whole rows. Changed rows name their changed cells. Only the
 * rows that differ are returned (the view says how many are unchanged), at most `maxRows`.
 */
import { diffArrays } from 'diff';
import Papa from 'papaparse';

export type TableDiffErrorCode = 'csv_ragged' | 'csv_empty' | 'no_such_key';

export class TableDiffError extends Error {
  override readonly name = 'TableDiffError';
  constructor(
    readonly code: TableDiffErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface TableColumn {
  name: string;
  status: 'same' | 'added' | 'removed';
}

export interface TableRowDiff {
  kind: 'added' | 'removed' | 'changed';
  /** 1-based data row number in the old and the new file (null on the side where it is not). */
  before: number | null;
  after: number | null;
  /** Values per column of `columns`: old ones (null where the column or row is not in the old file) and new ones. */
  old: (string | null)[];
  new: (string | null)[];
  /** Column indexes whose value changed (only for `changed`). */
  changed: number[];
}

export interface TableDiff {
  columns: TableColumn[];
  /** The column rows were matched by, or null when they were aligned by content. */
  key: string | null;
  /** Columns unique and non-empty in both versions: what the user may pick as key. */
  keyCandidates: string[];
  rows: TableRowDiff[];
  /** More differing rows than returned. */
  truncated: boolean;
  summary: {
    added: number;
    removed: number;
    changed: number;
    unchanged: number;
    rowsBefore: number;
    rowsAfter: number;
  };
}

export interface TableDiffOptions {
  delimiter: ',' | '\t';
  /** A column to match rows by; null finds one. */
  key?: string | null;
  maxRows?: number;
}

interface Table {
  header: string[];
  rows: string[][];
}

function readTable(text: string, delimiter: string, side: string): Table {
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: 'greedy' });
  const [header, ...rows] = parsed.data;
  if (!header) return { header: [], rows: [] };
  rows.forEach((row, i) => {
    if (row.length !== header.length)
      throw new TableDiffError(
        'csv_ragged',
        `The ${side} version's data row ${i + 1} has ${row.length} fields; its header has ${header.length}.`,
      );
  });
  return { header, rows };
}

function uniqueColumn(t: Table, column: number): boolean {
  const seen = new Set<string>();
  for (const row of t.rows) {
    const v = row[column] as string;
    if (v === '' || seen.has(v)) return false;
    seen.add(v);
  }
  return true;
}

export function diffTables(before: string, after: string, options: TableDiffOptions): TableDiff {
  const a = readTable(before, options.delimiter, 'old');
  const b = readTable(after, options.delimiter, 'new');
  const maxRows = options.maxRows ?? 5000;
  const columns: TableColumn[] = b.header.map((name) => ({ name, status: a.header.includes(name) ? 'same' : 'added' }));
  for (const name of a.header) if (!b.header.includes(name)) columns.push({ name, status: 'removed' });
  const aCol = columns.map((c) => a.header.indexOf(c.name));
  const bCol = columns.map((c) => b.header.indexOf(c.name));
  const common = columns.map((_, k) => k).filter((k) => (aCol[k] as number) >= 0 && (bCol[k] as number) >= 0);

  const keyCandidates = common
    .filter((k) => uniqueColumn(a, aCol[k] as number) && uniqueColumn(b, bCol[k] as number))
    .map((k) => (columns[k] as TableColumn).name);
  if (options.key && !keyCandidates.includes(options.key))
    throw new TableDiffError(
      'no_such_key',
      `“${options.key}” is not a column with a unique value in every row of both versions.`,
    );
  const key = options.key ?? (a.rows.length && b.rows.length ? (keyCandidates[0] ?? null) : null);

  const rows: TableRowDiff[] = [];
  const summary = {
    added: 0,
    removed: 0,
    changed: 0,
    unchanged: 0,
    rowsBefore: a.rows.length,
    rowsAfter: b.rows.length,
  };
  const oldValues = (i: number) => aCol.map((c) => (c >= 0 ? (a.rows[i]?.[c] ?? null) : null));
  const newValues = (j: number) => bCol.map((c) => (c >= 0 ? (b.rows[j]?.[c] ?? null) : null));
  const emit = (row: TableRowDiff) => {
    summary[row.kind]++;
    if (rows.length < maxRows) rows.push(row);
  };
  const removed = (i: number) =>
    emit({ kind: 'removed', before: i + 1, after: null, old: oldValues(i), new: aCol.map(() => null), changed: [] });
  const added = (j: number) =>
    emit({ kind: 'added', before: null, after: j + 1, old: bCol.map(() => null), new: newValues(j), changed: [] });
  const pair = (i: number, j: number) => {
    const changed = common.filter((k) => a.rows[i]?.[aCol[k] as number] !== b.rows[j]?.[bCol[k] as number]);
    // Cells of added or removed columns are reported once, as the column change, not on every row.
    if (changed.length === 0) summary.unchanged++;
    else emit({ kind: 'changed', before: i + 1, after: j + 1, old: oldValues(i), new: newValues(j), changed });
  };

  if (key !== null) {
    const ak = a.header.indexOf(key);
    const bk = b.header.indexOf(key);
    const rowOfKey = new Map<string, number>();
    a.rows.forEach((row, i) => {
      rowOfKey.set(row[ak] as string, i);
    });
    const matched = new Uint8Array(a.rows.length);
    b.rows.forEach((row) => {
      const i = rowOfKey.get(row[bk] as string);
      if (i !== undefined) matched[i] = 1;
    });
    let nextOld = 0;
    b.rows.forEach((row, j) => {
      const i = rowOfKey.get(row[bk] as string);
      if (i === undefined) {
        added(j);
        return;
      }
      for (; nextOld < i; nextOld++) if (!matched[nextOld]) removed(nextOld);
      nextOld = Math.max(nextOld, i + 1);
      pair(i, j);
    });
    for (; nextOld < a.rows.length; nextOld++) if (!matched[nextOld]) removed(nextOld);
  } else alignByContent(a, b, aCol, bCol, common, { removed, added, pair });

  return {
    columns,
    key,
    keyCandidates,
    rows,
    truncated: summary.added + summary.removed + summary.changed > rows.length,
    summary,
  };
}

/** Without a key: a line diff over rows (shared columns only); a removed row facing an added one with half its cells equal is one changed row. */
function alignByContent(a: Table, b: Table, aCol: number[], bCol: number[], common: number[], out: RowAlignmentSink) {
  const ids = new Map<string, number>();
  const intern = (row: string[], cols: number[]) => {
    const k = common.map((c) => row[cols[c] as number]).join('\u0000');
    let id = ids.get(k);
    if (id === undefined) {
      id = ids.size;
      ids.set(k, id);
    }
    return id;
  };
  const ai = a.rows.map((r) => intern(r, aCol));
  const bi = b.rows.map((r) => intern(r, bCol));
  const similar = (x: number, y: number) => {
    let same = 0;
    for (const c of common) if (a.rows[x]?.[aCol[c] as number] === b.rows[y]?.[bCol[c] as number]) same++;
    return same * 2 >= common.length && common.length > 0;
  };
  pairAlignedRuns(diffArrays(ai, bi), similar, out);
}

/** The runs of kept, removed and added rows of a row alignment, in jsdiff's shape. */
export interface RowRun {
  count: number;
  added?: boolean | undefined;
  removed?: boolean | undefined;
}

/** Where an alignment sends each row: a pair (kept or changed), removed from a, added in b. */
export interface RowAlignmentSink {
  removed: (i: number) => void;
  added: (j: number) => void;
  pair: (i: number, j: number) => void;
}

/**
 * Walks an alignment's runs: kept rows pair up; a removed run facing an added one pairs rows in
 * order while `similar` says they are the same row changed, and the rest are removed and added.
 * Shared by diffTables and the byte-level index (table-diff-index.ts), so both align alike.
 */
export function pairAlignedRuns(
  parts: readonly RowRun[],
  similar: (i: number, j: number) => boolean,
  out: RowAlignmentSink,
): void {
  let i = 0;
  let j = 0;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p] as RowRun;
    if (!part.added && !part.removed) {
      for (let k = 0; k < part.count; k++) out.pair(i++, j++);
      continue;
    }
    const dels = part.removed ? part.count : 0;
    const next = parts[p + 1];
    const adds = part.added ? part.count : next?.added && part.removed ? next.count : 0;
    if (part.removed && next?.added) p++;
    const paired = Math.min(dels, adds);
    let k = 0;
    for (; k < paired && similar(i + k, j + k); k++) out.pair(i + k, j + k);
    for (let d = k; d < dels; d++) out.removed(i + d);
    for (let d = k; d < adds; d++) out.added(j + d);
    i += dels;
    j += adds;
  }
}
