/**
 * metrics/ — DVC metrics files (`metrics:` in dvc.yaml): JSON, YAML, TOML and CSV/TSV, read
 * into flat `dotted.key → value` maps the way `dvc metrics show` lists them. Nested maps and
 * lists are flattened with dots (`scores.0.auc`); CSV/TSV rows become `column` (one row) or
 * `row.column` keys.
 */
import Papa from 'papaparse';
import { fail, ok, type Result } from '../errors/result.ts';
import { parseParams } from '../params/params-file.ts';

export type MetricValue = number | string | boolean | null;
export type MetricsFormat = 'json' | 'yaml' | 'toml' | 'csv' | 'tsv';

export function metricsFormatOf(file: string): MetricsFormat | null {
  const lower = file.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.toml')) return 'toml';
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.tsv')) return 'tsv';
  return null;
}

const MAX_METRICS_CHARS = 32 * 1024 * 1024;

/**
 * Reads a metrics file into flat dotted keys.
 * @example parseMetrics('{"avg_prec": {"test": 0.9}}', 'eval/metrics.json') // ok({ 'avg_prec.test': 0.9 })
 */
export function parseMetrics(text: string, file: string, format?: MetricsFormat): Result<Record<string, MetricValue>> {
  const kind = format ?? metricsFormatOf(file);
  if (kind === null) {
    return fail({
      code: 'unsupported_format',
      message: `'${file}' is not a JSON, YAML, TOML, CSV or TSV metrics file.`,
      file,
    });
  }
  if (text.length > MAX_METRICS_CHARS)
    return fail({ code: 'too_large', message: 'The metrics file is too large.', file });
  if (kind === 'csv' || kind === 'tsv') {
    const table = parseTable(text, file, kind === 'tsv' ? '\t' : ',');
    if (!table.ok) return table;
    const { columns, rows } = table.value;
    const out: Record<string, MetricValue> = {};
    rows.forEach((row, i) => {
      for (const c of columns) setFlat(out, rows.length === 1 ? c : `${i}.${c}`, row[c] ?? null);
    });
    return ok(out);
  }
  const parsed = parseParams(text, file, kind);
  if (!parsed.ok) return parsed;
  return ok(flattenMetrics(parsed.value));
}

/** Flattens maps and lists to dotted keys with scalar leaves (dates and other objects as text). */
export function flattenMetrics(value: unknown): Record<string, MetricValue> {
  const out: Record<string, MetricValue> = {};
  const stack: [unknown, string][] = [[value, '']];
  const leaves: [string, MetricValue][] = [];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (Array.isArray(v) || (typeof v === 'object' && v !== null && !(v instanceof Date))) {
      const entries = Object.entries(v as object);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i]!;
        stack.push([child, at === '' ? k : `${at}.${k}`]);
      }
    } else if (at !== '') {
      leaves.push([
        at,
        typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null ? v : String(v),
      ]);
    }
  }
  for (const [k, v] of leaves) setFlat(out, k, v);
  return out;
}

function setFlat(out: Record<string, MetricValue>, key: string, value: MetricValue): void {
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

export interface Table {
  columns: string[];
  rows: Record<string, MetricValue>[];
}

/** A number when the cell is one (`1e-05`, `nan`, `inf` too), else the text. */
export function cellValue(cell: string): MetricValue {
  const t = cell.trim();
  if (t === '') return null;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  const lower = t.toLowerCase();
  if (lower === 'nan' || lower === '-nan') return Number.NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Number.POSITIVE_INFINITY;
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
  return cell;
}

/** A CSV/TSV table with a header row (papaparse), numbers converted. */
export function parseTable(text: string, file: string, delimiter: ',' | '\t' = ','): Result<Table> {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter, skipEmptyLines: true });
  const error = parsed.errors.find(
    (e) => e.type === 'Quotes' || e.code === 'TooManyFields' || e.code === 'TooFewFields',
  );
  if (error) {
    return fail({
      code: 'csv_syntax',
      message: error.message,
      file,
      ...(error.row !== undefined ? { line: error.row + 1 } : {}),
    });
  }
  const [header, ...body] = parsed.data;
  if (!header) return ok({ columns: [], rows: [] });
  const columns = header.map((c) => c.trim());
  const rows = body.map((cells) => {
    const row: Record<string, MetricValue> = {};
    for (const [i, c] of columns.entries()) setFlat(row, c, cellValue(cells[i] ?? ''));
    return row;
  });
  return ok({ columns, rows });
}
