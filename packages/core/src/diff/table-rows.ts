/**
 * The rows of a CSV/TSV text without parsing every row: one pass finds where each record starts
 * and ends (quotes, delimiters and the file's newline, read exactly as papaparse reads them) and
 * counts its fields; a row's values are cut out only when asked for. A 1,000,000-row file then
 * costs two integer arrays, not a million arrays of strings. Quoting the scan does not handle
 * (spaces after a closing quote, an unterminated quote) hands the whole text to papaparse, so
 * every input reads exactly as `diffTables` reads it.
 */
import Papa from 'papaparse';
import { TableDiffError } from './table-diff.ts';

export interface TableRows {
  header: string[];
  /** Data rows (blank rows skipped, as papaparse's `skipEmptyLines: 'greedy'`). */
  count: number;
  /** Row r's raw text when no field of it is quoted (its values are then the text split on the delimiter), else null. */
  text(r: number): string | null;
  fields(r: number): string[];
  field(r: number, column: number): string;
}

const QUOTE = 34;

/** papaparse's own guess (ParserHandle.guessLineEndings), so rows end where papaparse ends them. */
function guessNewline(text: string): '\n' | '\r\n' | '\r' {
  const head = text.substring(0, 1024 * 1024).replace(/"[\s\S]*?"/g, '');
  const r = head.split('\r');
  const n = head.split('\n');
  if (r.length === 1 || (n.length > 1 && (n[0] as string).length < (r[0] as string).length)) return '\n';
  let withN = 0;
  for (const part of r) if (part[0] === '\n') withN++;
  return withN >= r.length / 2 ? '\r\n' : '\r';
}

/** Growable record table: start, end (newline excluded) and whether a field is quoted. */
class Records {
  starts = new Int32Array(1 << 16);
  ends = new Int32Array(1 << 16);
  quoted = new Uint8Array(1 << 16);
  count = 0;
  push(start: number, end: number, quoted: boolean) {
    if (this.count === this.starts.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.quoted = grow(this.quoted);
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.quoted[this.count] = quoted ? 1 : 0;
    this.count++;
  }
}

/**
 * One pass over the text: records and their field counts, blank records dropped. Null when the
 * quoting is one papaparse reads with its error recovery (then it parses the whole text).
 */
function scan(
  text: string,
  delimiter: string,
  newline: string,
  parseRecord: (raw: string) => string[],
): { records: Records; fieldCounts: Int32Array } | null {
  const n = text.length;
  const d = delimiter.charCodeAt(0);
  const nl0 = newline.charCodeAt(0);
  const nl1 = newline.length === 2 ? newline.charCodeAt(1) : -1;
  const records = new Records();
  let fieldCounts = new Int32Array(1 << 16);
  let pos = 0;
  while (pos <= n) {
    const start = pos;
    let fields = 1;
    let quoted = false;
    let fieldStart = true;
    let end = n;
    let next = n + 1;
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (fieldStart && c === QUOTE) {
        quoted = true;
        let q = pos + 1;
        for (;;) {
          q = text.indexOf('"', q);
          if (q === -1) return null;
          if (text.charCodeAt(q + 1) === QUOTE) q += 2;
          else break;
        }
        pos = q + 1;
        if (pos === n) break;
        const after = text.charCodeAt(pos);
        if (after === d) {
          fields++;
          pos++;
          continue;
        }
        if (after === nl0 && (nl1 === -1 || text.charCodeAt(pos + 1) === nl1)) {
          end = pos;
          next = pos + newline.length;
          break;
        }
        return null;
      }
      if (c === d) {
        fields++;
        fieldStart = true;
        pos++;
        continue;
      }
      if (c === nl0 && (nl1 === -1 || text.charCodeAt(pos + 1) === nl1)) {
        end = pos;
        next = pos + newline.length;
        break;
      }
      fieldStart = false;
      pos++;
    }
    pos = next;
    // A quoted record is parsed alone later; papaparse would strip a leading BOM from it alone.
    if (quoted && text.charCodeAt(start) === 0xfeff) return null;
    if (blank(text, start, end, d, quoted, delimiter, parseRecord)) continue;
    if (records.count === fieldCounts.length) {
      const grown = new Int32Array(fieldCounts.length * 2);
      grown.set(fieldCounts);
      fieldCounts = grown;
    }
    fieldCounts[records.count] = fields;
    records.push(start, end, quoted);
  }
  return { records, fieldCounts };
}

/** papaparse's greedy blank test: every value empty after `join('').trim()`. Most rows fail at the first character. */
function blank(
  text: string,
  start: number,
  end: number,
  d: number,
  quoted: boolean,
  delimiter: string,
  parseRecord: (raw: string) => string[],
): boolean {
  if (start === end) return true;
  const c = text.charCodeAt(start);
  if (c > 32 && c < 127 && c !== d && c !== QUOTE) return false;
  const raw = text.slice(start, end);
  const values = quoted ? parseRecord(raw) : raw.split(delimiter);
  return values.join('').trim() === '';
}

function raggedCheck(header: string[], count: number, fieldsOf: (r: number) => number, side: string) {
  for (let r = 0; r < count; r++) {
    const got = fieldsOf(r);
    if (got !== header.length)
      throw new TableDiffError(
        'csv_ragged',
        `The ${side} version's data row ${r + 1} has ${got} fields; its header has ${header.length}.`,
      );
  }
}

function parsedRows(text: string, delimiter: string, side: string): TableRows {
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: 'greedy' });
  const [header = [], ...rows] = parsed.data;
  raggedCheck(header, rows.length, (r) => (rows[r] as string[]).length, side);
  return {
    header,
    count: rows.length,
    text: () => null,
    fields: (r) => rows[r] as string[],
    field: (r, c) => (rows[r] as string[])[c] as string,
  };
}

/** Reads a table's rows for diffing; a row with more or fewer fields than the header is `csv_ragged`. */
export function readTableRows(input: string, delimiter: ',' | '\t', side: 'old' | 'new'): TableRows {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const newline = guessNewline(text);
  const parseRecord = (raw: string) => Papa.parse<string[]>(raw, { delimiter, newline }).data[0] ?? [''];
  const scanned = scan(text, delimiter, newline, parseRecord);
  if (!scanned) return parsedRows(text, delimiter, side);
  const { records, fieldCounts } = scanned;
  const { starts, ends, quoted } = records;
  const rawOf = (k: number) => text.slice(starts[k], ends[k]);
  const fieldsOf = (k: number) => (quoted[k] ? parseRecord(rawOf(k)) : rawOf(k).split(delimiter));
  if (records.count === 0) return { header: [], count: 0, text: () => null, fields: () => [], field: () => '' };
  const header = fieldsOf(0);
  const count = records.count - 1;
  raggedCheck(header, count, (r) => fieldCounts[r + 1] as number, side);
  return {
    header,
    count,
    text: (r) => (quoted[r + 1] ? null : rawOf(r + 1)),
    fields: (r) => fieldsOf(r + 1),
    field: (r, column) => {
      const k = r + 1;
      if (quoted[k]) return fieldsOf(k)[column] as string;
      const end = ends[k] as number;
      let s = starts[k] as number;
      for (let c = 0; c < column; c++) s = text.indexOf(delimiter, s) + 1;
      const e = text.indexOf(delimiter, s);
      return text.slice(s, e === -1 || e > end ? end : e);
    },
  };
}
