/**
 * The table diff of `diffTables` for big files: the same rows in the same order with the same
 * summary, but kept as an index (kind and row numbers per differing row) and turned into cell
 * values a page at a time, so a 1,000,000-row pair never becomes a million arrays. Keys are
 * matched by their bytes in a hash table, unchanged rows recognised by their bytes when both
 * headers are the same (no string is made for them); the first rows are
 * handed out (`onHead`) as soon as they are known, before the rest of the join has run.
 * Without a key, big tables are aligned with patience anchors (Myers only between them): small
 * ones with jsdiff's Myers, exactly as `diffTables`.
 */
import { diffArrays } from 'diff';
import { type ByteRange, ByteRangeTable, hashBytes, sameBytes } from './byte-range-table.ts';
import { diffSequences } from './patience.ts';
import {
  pairAlignedRuns,
  type RowAlignmentSink,
  type RowRun,
  type TableColumn,
  type TableDiff,
  TableDiffError,
  type TableDiffOptions,
  type TableRowDiff,
} from './table-diff.ts';
import { readTableRows, type TableRows } from './table-rows.ts';

export interface TableDiffHead {
  columns: TableColumn[];
  key: string | null;
  keyCandidates: string[];
  rows: TableRowDiff[];
}

export interface TableDiffIndex {
  columns: TableColumn[];
  key: string | null;
  keyCandidates: string[];
  summary: TableDiff['summary'];
  /** How many rows differ: `rows(from, to)` reads any slice of them. */
  count: number;
  rows(from: number, to: number): TableRowDiff[];
}

export interface TableDiffIndexOptions {
  delimiter: ',' | '\t';
  key?: string | null;
  /** Called once with the first `headRows` differing rows, when that many are known before the end. */
  onHead?: (head: TableDiffHead) => void;
  headRows?: number;
}

/** Past this many rows on both sides together, rows without a key are aligned with patience anchors. */
export const MYERS_MAX_ROWS = 20_000;

const KIND_ADDED = 0;
const KIND_REMOVED = 1;
const KIND_CHANGED = 2;
const KINDS = ['added', 'removed', 'changed'] as const;

const range = (): ByteRange => ({ buf: new Uint8Array(0), start: 0, end: 0 });

/**
 * Rows by their value in `column`, or null as soon as a value repeats or is empty. With `lookIn`
 * (the other version's index of its key column), each row's match there is found in the same pass.
 */
function uniqueIndex(
  t: TableRows,
  column: number,
  lookIn?: ByteRangeTable,
): { table: ByteRangeTable; found: Int32Array | null } | null {
  const out = range();
  const table = new ByteRangeTable(t.count, (r, o) => t.fieldBytes(r, column, o));
  const found = lookIn ? new Int32Array(t.count) : null;
  for (let r = 0; r < t.count; r++) {
    t.fieldBytes(r, column, out);
    if (out.start === out.end) return null;
    const h = hashBytes(out.buf, out.start, out.end);
    if (table.add(r, out.buf, out.start, out.end, h) !== -1) return null;
    if (found && lookIn) found[r] = lookIn.find(out.buf, out.start, out.end, h);
  }
  return { table, found };
}

/** Diffs two versions given as the files' bytes (as `diffTables` diffs their decoded text). */
export function indexTableDiff(before: Uint8Array, after: Uint8Array, options: TableDiffIndexOptions): TableDiffIndex {
  const a = readTableRows(before, options.delimiter, 'old');
  const b = readTableRows(after, options.delimiter, 'new');
  const columns: TableColumn[] = b.header.map((name) => ({ name, status: a.header.includes(name) ? 'same' : 'added' }));
  for (const name of a.header) if (!b.header.includes(name)) columns.push({ name, status: 'removed' });
  const aCol = columns.map((c) => a.header.indexOf(c.name));
  const bCol = columns.map((c) => b.header.indexOf(c.name));
  const common = columns.map((_, k) => k).filter((k) => (aCol[k] as number) >= 0 && (bCol[k] as number) >= 0);
  // Same names in the same order, none twice: equal raw rows are equal rows.
  const sameLayout =
    a.header.length === b.header.length &&
    a.header.every((h, i) => h === b.header[i]) &&
    new Set(a.header).size === a.header.length;

  // For the column that will be the key (the first candidate, or the user's), each new row's old row.
  const oldRowsBy = new Map<string, Int32Array>();
  const keyCandidates = common
    .filter((k) => {
      const name = (columns[k] as TableColumn).name;
      const ia = uniqueIndex(a, aCol[k] as number);
      if (!ia) return false;
      const mayBeKey = options.key ? name === options.key : oldRowsBy.size === 0;
      const ib = uniqueIndex(b, bCol[k] as number, mayBeKey ? ia.table : undefined);
      if (!ib) return false;
      if (ib.found) oldRowsBy.set(name, ib.found);
      return true;
    })
    .map((k) => (columns[k] as TableColumn).name);
  if (options.key && !keyCandidates.includes(options.key))
    throw new TableDiffError(
      'no_such_key',
      `“${options.key}” is not a column with a unique value in every row of both versions.`,
    );
  const key = options.key ?? (a.count && b.count ? (keyCandidates[0] ?? null) : null);

  const summary = { added: 0, removed: 0, changed: 0, unchanged: 0, rowsBefore: a.count, rowsAfter: b.count };
  const kinds: number[] = [];
  const olds: number[] = [];
  const news: number[] = [];

  const changedColumns = (i: number, j: number): number[] => {
    const fa = a.fields(i);
    const fb = b.fields(j);
    return common.filter((k) => fa[aCol[k] as number] !== fb[bCol[k] as number]);
  };
  const materialise = (n: number): TableRowDiff => {
    const kind = kinds[n] as number;
    const i = olds[n] as number;
    const j = news[n] as number;
    const fa = i >= 0 ? a.fields(i) : null;
    const fb = j >= 0 ? b.fields(j) : null;
    return {
      kind: KINDS[kind] as TableRowDiff['kind'],
      before: i >= 0 ? i + 1 : null,
      after: j >= 0 ? j + 1 : null,
      old: aCol.map((c) => (fa && c >= 0 ? (fa[c] ?? null) : null)),
      new: bCol.map((c) => (fb && c >= 0 ? (fb[c] ?? null) : null)),
      changed: kind === KIND_CHANGED ? changedColumns(i, j) : [],
    };
  };
  const rows = (from: number, to: number) => {
    const out: TableRowDiff[] = [];
    for (let n = Math.max(0, from); n < Math.min(to, kinds.length); n++) out.push(materialise(n));
    return out;
  };

  const headRows = options.headRows ?? 200;
  let headSent = false;
  const emit = (kind: number, i: number, j: number) => {
    kinds.push(kind);
    olds.push(i);
    news.push(j);
    if (!headSent && kinds.length === headRows && options.onHead) {
      headSent = true;
      options.onHead({ columns, key, keyCandidates, rows: rows(0, headRows) });
    }
  };
  const removed = (i: number) => {
    summary.removed++;
    emit(KIND_REMOVED, i, -1);
  };
  const added = (j: number) => {
    summary.added++;
    emit(KIND_ADDED, -1, j);
  };
  const ra = range();
  const rb = range();
  const pair = (i: number, j: number) => {
    // Equal bytes parse to equal values, quoted or not.
    if (sameLayout) {
      a.rowBytes(i, ra);
      b.rowBytes(j, rb);
      if (sameBytes(ra.buf, ra.start, ra.end, rb.buf, rb.start, rb.end)) {
        summary.unchanged++;
        return;
      }
    }
    if (changedColumns(i, j).length === 0) summary.unchanged++;
    else {
      summary.changed++;
      emit(KIND_CHANGED, i, j);
    }
  };

  if (key !== null) {
    const oldOf = oldRowsBy.get(key) as Int32Array;
    const matched = new Uint8Array(a.count);
    for (let j = 0; j < b.count; j++) {
      const i = oldOf[j] as number;
      if (i >= 0) matched[i] = 1;
    }
    let nextOld = 0;
    for (let j = 0; j < b.count; j++) {
      const i = oldOf[j] as number;
      if (i < 0) {
        added(j);
        continue;
      }
      for (; nextOld < i; nextOld++) if (!matched[nextOld]) removed(nextOld);
      nextOld = Math.max(nextOld, i + 1);
      pair(i, j);
    }
    for (; nextOld < a.count; nextOld++) if (!matched[nextOld]) removed(nextOld);
  } else alignByContent(a, b, aCol, bCol, common, sameLayout ? options.delimiter : null, { removed, added, pair });

  return { columns, key, keyCandidates, summary, count: kinds.length, rows };
}

/** `diffTables`'s result computed through the index: what the property test compares. */
export function diffTablesIndexed(before: Uint8Array, after: Uint8Array, options: TableDiffOptions): TableDiff {
  const index = indexTableDiff(before, after, { delimiter: options.delimiter, key: options.key ?? null });
  const rows = index.rows(0, options.maxRows ?? 5000);
  const { columns, key, keyCandidates, summary } = index;
  return { columns, key, keyCandidates, rows, truncated: index.count > rows.length, summary };
}

function alignByContent(
  a: TableRows,
  b: TableRows,
  aCol: number[],
  bCol: number[],
  common: number[],
  /** The delimiter when both headers are the same (then a plain row's bytes stand for its values), else null. */
  plainDelimiter: string | null,
  out: RowAlignmentSink,
) {
  // Row ids as diffTables interns them: equal shared values, equal id. Plain rows under the same
  // header are interned by their bytes; any other row by diffTables' own string (values joined by NUL).
  const byBytes =
    plainDelimiter !== null &&
    Array.from({ length: a.count }, (_, r) => a.plain(r)).every(Boolean) &&
    Array.from({ length: b.count }, (_, r) => b.plain(r)).every(Boolean);
  const idsOf = byBytes ? internBytes(a, b) : internStrings(a, b, aCol, bCol, common);
  const [ai, bi] = idsOf;
  const parts: RowRun[] =
    ai.length + bi.length <= MYERS_MAX_ROWS
      ? diffArrays(ai, bi).map((p) => ({ count: p.count, added: !!p.added, removed: !!p.removed }))
      : diffSequences(ai, bi).map((op) => ({ count: op.count, added: op.kind === 'add', removed: op.kind === 'del' }));
  const similar = (x: number, y: number) => {
    if (common.length === 0) return false;
    const fa = a.fields(x);
    const fb = b.fields(y);
    let same = 0;
    for (const c of common) if (fa[aCol[c] as number] === fb[bCol[c] as number]) same++;
    return same * 2 >= common.length;
  };
  pairAlignedRuns(parts, similar, out);
}

function internBytes(a: TableRows, b: TableRows): [number[], number[]] {
  // Entry ids: a's rows, then b's; a row's id is the first entry with its bytes.
  const table = new ByteRangeTable(a.count + b.count, (id, out) =>
    id < a.count ? a.rowBytes(id, out) : b.rowBytes(id - a.count, out),
  );
  const out = range();
  const side = (t: TableRows, offset: number) => {
    const ids = new Array<number>(t.count);
    for (let r = 0; r < t.count; r++) {
      t.rowBytes(r, out);
      const there = table.add(offset + r, out.buf, out.start, out.end);
      ids[r] = there === -1 ? offset + r : there;
    }
    return ids;
  };
  return [side(a, 0), side(b, a.count)];
}

function internStrings(
  a: TableRows,
  b: TableRows,
  aCol: number[],
  bCol: number[],
  common: number[],
): [number[], number[]] {
  const ids = new Map<string, number>();
  const side = (t: TableRows, cols: number[]) => {
    const out = new Array<number>(t.count);
    for (let r = 0; r < t.count; r++) {
      const fields = t.fields(r);
      const k = common.map((c) => fields[cols[c] as number]).join('\u0000');
      let id = ids.get(k);
      if (id === undefined) {
        id = ids.size;
        ids.set(k, id);
      }
      out[r] = id;
    }
    return out;
  };
  return [side(a, aCol), side(b, bCol)];
}
