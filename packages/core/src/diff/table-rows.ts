/**
 * The rows of a CSV/TSV file without parsing every row: one pass over the bytes finds where each
 * record starts and ends (quotes, delimiters and the file's newline, read exactly as papaparse
 * reads them) and counts its fields; a row's values are decoded only when asked for, and a
 * field's or a row's bytes can be hashed and compared where they lie. A 1,000,000-row file then
 * costs a few integer arrays, not a million arrays of strings. What the scan does not handle
 * (spaces after a closing quote, an unterminated quote, bytes that are not UTF-8) is handed whole
 * to papaparse, so every input reads exactly as `diffTables` reads its decoded text.
 */
import Papa from 'papaparse';
import type { ByteRange } from './byte-range-table.ts';
import { TableDiffError } from './table-diff.ts';

export interface TableRows {
  header: string[];
  /** Data rows (blank rows skipped, as papaparse's `skipEmptyLines: 'greedy'`). */
  count: number;
  /** Whether row r has no quoted field: its values are then its bytes split on the delimiter. */
  plain(r: number): boolean;
  /** Fills `out` with row r's bytes (newline excluded): meaningful for comparing plain rows. */
  rowBytes(r: number, out: ByteRange): void;
  /** Fills `out` with the UTF-8 bytes of row r's value in `column`. */
  fieldBytes(r: number, column: number, out: ByteRange): void;
  fields(r: number): string[];
}

const QUOTE = 34;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** papaparse's own guess (ParserHandle.guessLineEndings), so rows end where papaparse ends them. */
export function guessNewline(text: string): '\n' | '\r\n' | '\r' {
  const head = text.substring(0, 1024 * 1024).replace(/"[\s\S]*?"/g, '');
  const r = head.split('\r');
  const n = head.split('\n');
  if (r.length === 1 || (n.length > 1 && (n[0] as string).length < (r[0] as string).length)) return '\n';
  let withN = 0;
  for (const part of r) if (part[0] === '\n') withN++;
  return withN >= r.length / 2 ? '\r\n' : '\r';
}

/** Growable per-record arrays: start, end (newline excluded), field count, whether a field is quoted. */
class Records {
  starts = new Int32Array(1 << 16);
  ends = new Int32Array(1 << 16);
  fieldCounts = new Int32Array(1 << 16);
  quoted = new Uint8Array(1 << 16);
  count = 0;
  push(start: number, end: number, fields: number, quoted: boolean) {
    if (this.count === this.starts.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.fieldCounts = grow(this.fieldCounts);
      this.quoted = grow(this.quoted);
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.fieldCounts[this.count] = fields;
    this.quoted[this.count] = quoted ? 1 : 0;
    this.count++;
  }
}

interface Scan {
  records: Records;
  /** Some byte is not ASCII (then the bytes must be checked to be UTF-8). */
  nonAscii: boolean;
}

/**
 * One pass over the bytes from `from`: records and their field counts, blank records dropped.
 * Null when the quoting is one papaparse reads with its error recovery.
 */
function scan(
  bytes: Uint8Array,
  from: number,
  delimiter: number,
  newline: string,
  isBlank: (start: number, end: number, quoted: boolean) => boolean,
): Scan | null {
  const n = bytes.length;
  const nl0 = newline.charCodeAt(0);
  const nl1 = newline.length === 2 ? newline.charCodeAt(1) : -1;
  const records = new Records();
  let high = 0;
  let pos = from;
  while (pos <= n) {
    const start = pos;
    let fields = 1;
    let quoted = false;
    let fieldStart = true;
    let end = n;
    let next = n + 1;
    while (pos < n) {
      const c = bytes[pos] as number;
      if (fieldStart && c === QUOTE) {
        quoted = true;
        let q = pos + 1;
        for (;;) {
          q = bytes.indexOf(QUOTE, q);
          if (q === -1) return null;
          if (bytes[q + 1] === QUOTE) q += 2;
          else break;
        }
        for (let k = pos; k < q; k++) high |= bytes[k] as number;
        pos = q + 1;
        if (pos === n) break;
        const after = bytes[pos];
        if (after === delimiter) {
          fields++;
          pos++;
          continue;
        }
        if (after === nl0 && (nl1 === -1 || bytes[pos + 1] === nl1)) {
          end = pos;
          next = pos + newline.length;
          break;
        }
        return null;
      }
      if (c === delimiter) {
        fields++;
        fieldStart = true;
        pos++;
        continue;
      }
      if (c === nl0 && (nl1 === -1 || bytes[pos + 1] === nl1)) {
        end = pos;
        next = pos + newline.length;
        break;
      }
      high |= c;
      fieldStart = false;
      pos++;
    }
    pos = next;
    // A quoted record is parsed alone later, and papaparse would strip a leading BOM from it alone.
    if (quoted && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) return null;
    if (!isBlank(start, end, quoted)) records.push(start, end, fields, quoted);
  }
  return { records, nonAscii: (high & 0x80) !== 0 };
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

/** Every row parsed by papaparse, as `diffTables` does: for the inputs the scan leaves to it. */
function parsedRows(text: string, delimiter: string, side: string): TableRows {
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: 'greedy' });
  const [header = [], ...rows] = parsed.data;
  raggedCheck(header, rows.length, (r) => (rows[r] as string[]).length, side);
  const encoded = (value: string, out: ByteRange) => {
    out.buf = encoder.encode(value);
    out.start = 0;
    out.end = out.buf.length;
  };
  return {
    header,
    count: rows.length,
    plain: () => false,
    rowBytes: (r, out) => encoded((rows[r] as string[]).join('\u0000'), out),
    fieldBytes: (r, column, out) => encoded((rows[r] as string[])[column] as string, out),
    fields: (r) => rows[r] as string[],
  };
}

const BOM = [0xef, 0xbb, 0xbf];
const bomAt = (bytes: Uint8Array, at: number) => BOM.every((b, k) => bytes[at + k] === b);

/**
 * Reads a table's rows for diffing from the file's bytes, as `diffTables` reads
 * `new TextDecoder().decode(bytes)`; a row with more or fewer fields than the header is `csv_ragged`.
 */
export function readTableRows(bytes: Uint8Array, delimiter: ',' | '\t', side: 'old' | 'new'): TableRows {
  // TextDecoder drops one BOM and papaparse another.
  let from = bomAt(bytes, 0) ? 3 : 0;
  if (bomAt(bytes, from)) from += 3;
  const head = decoder.decode(bytes.subarray(from, from + 4 * 1024 * 1024));
  const newline = guessNewline(head);
  const parseRecord = (raw: string) => Papa.parse<string[]>(raw, { delimiter, newline }).data[0] ?? [''];
  const decode = (start: number, end: number) => decoder.decode(bytes.subarray(start, end));
  const d = delimiter.charCodeAt(0);
  const isBlank = (start: number, end: number, quoted: boolean) => {
    if (start === end) return true;
    const c = bytes[start] as number;
    if (c > 32 && c < 127 && c !== d && c !== QUOTE) return false;
    const raw = decode(start, end);
    return (quoted ? parseRecord(raw) : raw.split(delimiter)).join('').trim() === '';
  };
  const whole = () => {
    const text = decoder.decode(bytes);
    return parsedRows(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, delimiter, side);
  };
  const scanned = scan(bytes, from, d, newline, isBlank);
  if (!scanned) return whole();
  if (scanned.nonAscii) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // Bytes that decode to U+FFFD would compare unequal here and equal as text.
      return whole();
    }
  }
  const { starts, ends, quoted, fieldCounts, count: records } = scanned.records;
  if (records === 0)
    return { header: [], count: 0, plain: () => true, rowBytes: () => {}, fieldBytes: () => {}, fields: () => [] };
  const fieldsOf = (k: number) => {
    const raw = decode(starts[k] as number, ends[k] as number);
    return quoted[k] ? parseRecord(raw) : raw.split(delimiter);
  };
  const header = fieldsOf(0);
  const count = records - 1;
  raggedCheck(header, count, (r) => fieldCounts[r + 1] as number, side);
  return {
    header,
    count,
    plain: (r) => quoted[r + 1] === 0,
    rowBytes: (r, out) => {
      out.buf = bytes;
      out.start = starts[r + 1] as number;
      out.end = ends[r + 1] as number;
    },
    fieldBytes: (r, column, out) => {
      const k = r + 1;
      const end = ends[k] as number;
      let s = starts[k] as number;
      out.buf = bytes;
      if (!quoted[k]) {
        for (let c = 0; c < column; c++) while (bytes[s++] !== d);
        let e = s;
        while (e < end && bytes[e] !== d) e++;
        out.start = s;
        out.end = e;
        return;
      }
      // Fields walked as the scan read them: a quoted one runs to its closing quote (checked then).
      for (let c = 0; ; c++) {
        if (bytes[s] === QUOTE) {
          let q = s + 1;
          let escaped = false;
          for (;;) {
            q = bytes.indexOf(QUOTE, q);
            if (bytes[q + 1] !== QUOTE) break;
            q += 2;
            escaped = true;
          }
          if (c === column) {
            if (!escaped) {
              out.start = s + 1;
              out.end = q;
            } else {
              // Doubled quotes stand for one: the value's bytes are not in the file as they are.
              out.buf = encoder.encode(fieldsOf(k)[column] as string);
              out.start = 0;
              out.end = out.buf.length;
            }
            return;
          }
          s = q + 2;
          continue;
        }
        let e = s;
        while (e < end && bytes[e] !== d) e++;
        if (c === column) {
          out.start = s;
          out.end = e;
          return;
        }
        s = e + 1;
      }
    },
    fields: (r) => fieldsOf(r + 1),
  };
}
