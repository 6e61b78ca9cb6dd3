/**
 * DagsHub metrics.csv → metric points, for the scanner. Interim reader until the shared
 * DagsHub format module (../dagshub/) lands; then this file becomes a re-export of it.
 * Header must be `Name,Value,Timestamp,Step`; LF header with CRLF rows, quoted names with
 * embedded newlines, and `nan`/`inf` values are all real (../shared/FORMATS.md §3).
 */
import Papa from 'papaparse';
import { fail, ok, type Result } from '../errors/result.ts';
import type { MetricPoint } from '../runs/run.ts';

const HEADER = ['Name', 'Value', 'Timestamp', 'Step'];

function pythonFloat(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'nan') return Number.NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity') return Number.POSITIVE_INFINITY;
  if (t === '-inf' || t === '-infinity') return Number.NEGATIVE_INFINITY;
  return t === '' ? Number.NaN : Number(t);
}

export function parseDagsHubMetricsCsv(text: string, file: string): Result<MetricPoint[]> {
  const parsed = Papa.parse<string[]>(text.replace(/\r\n/g, '\n'), { skipEmptyLines: true });
  const rows = parsed.data;
  const header = rows[0];
  if (header?.length !== 4 || header.some((h, i) => h.trim() !== HEADER[i])) {
    return fail({
      code: 'csv_syntax',
      message: 'not a DagsHub metrics file: the header must be Name,Value,Timestamp,Step',
      file,
      line: 1,
      column: 1,
    });
  }
  const points: MetricPoint[] = [];
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i] as string[];
    if (row.length !== 4) {
      return fail({ code: 'csv_syntax', message: `row ${i + 1} has ${row.length} fields, expected 4`, file });
    }
    const [key, value, ts, step] = row as [string, string, string, string];
    const timestamp = Number(ts);
    const s = Number(step);
    if (!Number.isFinite(timestamp) || !Number.isInteger(s)) {
      return fail({ code: 'csv_syntax', message: `row ${i + 1}: timestamp and step must be integers`, file });
    }
    const v = pythonFloat(value);
    if (Number.isNaN(v) && value.trim().toLowerCase() !== 'nan') continue; // a non-numeric value is not a metric
    points.push({ key, value: v, timestamp, step: s });
  }
  return ok(points);
}
