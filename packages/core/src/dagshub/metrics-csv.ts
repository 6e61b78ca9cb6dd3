/**
 * dagshub/ — the files DagsHub's Python logger writes and DagsHub reads as experiments.
 *
 * `metrics.csv`: header `Name,Value,Timestamp,Step` + LF, then rows from Python's csv.writer
 * (QUOTE_NONNUMERIC, CRLF): names always quoted, numbers bare (`4`, `4211.139775402384`,
 * `nan`, `1e-05`), epoch-millisecond timestamps, integer steps. Names may hold commas, quotes
 * and newlines. Files from before Dec 2019 have bare names and LF rows. Both are read, and
 * written back byte for byte.
 */
import Papa from 'papaparse';
import { fail, ok, type Result } from '../errors/result.ts';
import { pythonNumber } from './python-repr.ts';

/** What a metric value may be when written: Python's csv writes bools bare as True/False. */
export type DagshubMetricValue = number | bigint | string | boolean;

export const DAGSHUB_METRICS_HEADER = 'Name,Value,Timestamp,Step';

export interface DagshubMetricRow {
  name: string;
  /** A number (NaN and ±Infinity included) or, for non-numeric logged values, text. */
  value: number | string;
  /** UNIX epoch milliseconds. */
  timestamp: number;
  step: number;
  /** The value exactly as written (`0.10`, `1e-05`), kept so rewriting changes nothing. */
  valueText?: string;
}

export interface DagshubMetricsFile {
  rows: DagshubMetricRow[];
  /** 'quoted': today's logger (quoted names, CRLF rows); 'legacy': bare names, LF rows. */
  style: 'quoted' | 'legacy';
  rowEnding: '\r\n' | '\n';
}

const MAX_CHARS = 64 * 1024 * 1024;

function parseNumberCell(cell: string): number | null {
  const t = cell.trim();
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (t === 'nan' || t === '-nan') return Number.NaN;
  if (t === 'inf' || t === '+inf') return Number.POSITIVE_INFINITY;
  if (t === '-inf') return Number.NEGATIVE_INFINITY;
  return null;
}

/**
 * Reads a DagsHub `metrics.csv`.
 * @example parseDagshubMetrics('Name,Value,Timestamp,Step\n"loss",0.5,1645296823304,1\r\n')
 */
export function parseDagshubMetrics(text: string, file = 'metrics.csv'): Result<DagshubMetricsFile> {
  if (text.length > MAX_CHARS) return fail({ code: 'too_large', message: 'metrics.csv is larger than 64 MiB.', file });
  const body = text.replace(/^\uFEFF/, '');
  const headerEnd = body.indexOf('\n');
  const header = (headerEnd < 0 ? body : body.slice(0, headerEnd)).replace(/\r$/, '');
  if (header !== DAGSHUB_METRICS_HEADER) {
    return fail({
      code: 'schema',
      message: `The first line must be '${DAGSHUB_METRICS_HEADER}'.`,
      file,
      line: 1,
      column: 1,
    });
  }
  const rest = headerEnd < 0 ? '' : body.slice(headerEnd + 1);
  const style = rest.startsWith('"') || rest === '' ? 'quoted' : 'legacy';
  const parsed = Papa.parse<string[]>(rest, { delimiter: ',', newline: '\n', quoteChar: '"', skipEmptyLines: false });
  // The Step cell is never quoted, so a CRLF row leaves its '\r' at the end of that cell.
  const firstRow = parsed.data[0];
  const rowEnding =
    firstRow === undefined || firstRow.length < 2 || firstRow[firstRow.length - 1]!.endsWith('\r') ? '\r\n' : '\n';
  const rows: DagshubMetricRow[] = [];
  let line = 2;
  for (let i = 0; i < parsed.data.length; i++) {
    const cells = parsed.data[i]!;
    const isLast = i === parsed.data.length - 1;
    if (cells.length === 1 && (cells[0] === '' || cells[0] === '\r')) {
      line++;
      if (isLast) break;
      continue;
    }
    const where = { file, line, column: 1 };
    if (cells.length !== 4) {
      return fail({
        code: 'csv_syntax',
        message: `Expected 4 fields (Name,Value,Timestamp,Step), found ${cells.length}.`,
        ...where,
      });
    }
    const [name, valueCell, tsCell, stepCell] = cells as [string, string, string, string];
    const step = parseNumberCell(stepCell.replace(/\r$/, ''));
    const timestamp = parseNumberCell(tsCell);
    if (timestamp === null || !Number.isFinite(timestamp)) {
      return fail({ code: 'schema', message: `Timestamp '${tsCell}' is not a number.`, ...where });
    }
    if (step === null || !Number.isInteger(step)) {
      return fail({ code: 'schema', message: `Step '${stepCell.trim()}' is not a whole number.`, ...where });
    }
    const num = parseNumberCell(valueCell);
    rows.push({ name, value: num ?? valueCell, timestamp, step, valueText: valueCell });
    line += 1 + (name.match(/\n/g)?.length ?? 0) + (valueCell.match(/\n/g)?.length ?? 0);
  }
  const quoteError = parsed.errors.find((e) => e.type === 'Quotes');
  if (quoteError) {
    return fail({
      code: 'csv_syntax',
      message: quoteError.message,
      file,
      ...(quoteError.row !== undefined ? { line: quoteError.row + 2 } : {}),
    });
  }
  return ok({ rows, style, rowEnding });
}

function quote(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** A value as `csv.writer(quoting=QUOTE_NONNUMERIC)` writes it: text quoted, numbers bare. */
function quotedField(value: DagshubMetricValue): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return typeof value === 'string' ? quote(value) : pythonNumber(value);
}

/**
 * One row as the DagsHub logger writes it: `"name",value,timestampMs,step` + CRLF.
 * @example formatDagshubMetricRow('loss', 0.5, 1645296823304, 1) // '"loss",0.5,1645296823304,1\r\n'
 */
export function formatDagshubMetricRow(
  name: string,
  value: DagshubMetricValue,
  timestampMs: number,
  step: number,
): string {
  return `${quote(name)},${quotedField(value)},${Math.trunc(timestampMs)},${Math.trunc(step)}\r\n`;
}

/** Python csv QUOTE_MINIMAL: quote only when the text holds a comma, quote or line break. */
function quoteMinimal(text: string): string {
  return /[",\r\n]/.test(text) || text === '' ? quote(text) : text;
}

function valueText(row: DagshubMetricRow, style: 'quoted' | 'legacy'): string {
  if (row.valueText !== undefined) {
    const again = parseNumberCell(row.valueText);
    if (again !== null ? Object.is(again, row.value) : row.value === row.valueText) {
      return again === null && style === 'quoted' ? quote(row.valueText) : row.valueText;
    }
  }
  return style === 'quoted' || typeof row.value === 'number' ? quotedField(row.value) : quoteMinimal(row.value);
}

/**
 * Writes `metrics.csv` as the DagsHub logger does (or in the file's own legacy style).
 * A parsed file written back is byte-identical.
 */
export function serializeDagshubMetrics(file: DagshubMetricsFile | DagshubMetricRow[]): string {
  const f: DagshubMetricsFile = Array.isArray(file) ? { rows: file, style: 'quoted', rowEnding: '\r\n' } : file;
  let out = `${DAGSHUB_METRICS_HEADER}\n`;
  for (const row of f.rows) {
    const name = f.style === 'quoted' ? quote(row.name) : quoteMinimal(row.name);
    out += `${name},${valueText(row, f.style)},${Math.trunc(row.timestamp)},${Math.trunc(row.step)}${f.rowEnding}`;
  }
  return out;
}

/** Each metric's current value: its last row by (step, timestamp), file order breaking ties. */
export function latestDagshubMetrics(rows: DagshubMetricRow[]): Map<string, DagshubMetricRow> {
  const latest = new Map<string, DagshubMetricRow>();
  for (const row of rows) {
    const had = latest.get(row.name);
    if (!had || row.step > had.step || (row.step === had.step && row.timestamp >= had.timestamp))
      latest.set(row.name, row);
  }
  return latest;
}

/** Each metric's rows as a series ordered by step then timestamp. */
export function dagshubMetricSeries(rows: DagshubMetricRow[]): Map<string, DagshubMetricRow[]> {
  const series = new Map<string, DagshubMetricRow[]>();
  for (const row of rows) {
    const list = series.get(row.name) ?? [];
    list.push(row);
    series.set(row.name, list);
  }
  for (const list of series.values()) list.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  return series;
}
