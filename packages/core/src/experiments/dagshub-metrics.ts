/**
 * DagsHub metrics.csv → metric points, for the scanner: the shared reader of ../dagshub/ (which
 * knows the LF-header/CRLF-rows layout, quoted names with newlines, nan/inf and the legacy
 * format), keeping only numeric values — a non-numeric value logged under a name is not a metric.
 *
 * A scan reads thousands of these, nearly all plain (one row per line, names without quotes or
 * line breaks), so those take a line-by-line fast path; anything else — and every error — goes
 * to the shared reader. A property test holds the two equal.
 */
import { DAGSHUB_METRICS_HEADER, parseDagshubMetrics } from '../dagshub/metrics-csv.ts';
import { ok, type Result } from '../errors/result.ts';
import type { MetricPoint } from '../runs/run.ts';

/** `"name",value,timestamp,step` (today's logger) or `name,value,timestamp,step` (legacy). */
const ROW = /^(?:"([^"\r\n]*)"|([^",\r\n]*)),([^",\r\n]*),([^",\r\n]*),([^",\r\n]*)$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** As the shared reader reads a number cell (Python's repr of floats, nan and inf included). */
function numberCell(cell: string): number | null {
  const t = cell.trim();
  if (NUMBER.test(t)) return Number(t);
  if (t === 'nan' || t === '-nan') return Number.NaN;
  if (t === 'inf' || t === '+inf') return Number.POSITIVE_INFINITY;
  if (t === '-inf') return Number.NEGATIVE_INFINITY;
  return null;
}

/** The points of a plain file, or undefined when it needs the full reader. */
export function plainDagsHubPoints(text: string): MetricPoint[] | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n');
  if ((lines[0] as string).replace(/\r$/, '') !== DAGSHUB_METRICS_HEADER) return undefined;
  const points: MetricPoint[] = [];
  for (let i = 1; i < lines.length; i++) {
    let line = lines[i] as string;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') continue;
    const m = ROW.exec(line);
    if (!m) return undefined;
    const timestamp = numberCell(m[4] as string);
    const step = numberCell(m[5] as string);
    if (timestamp === null || !Number.isFinite(timestamp) || step === null || !Number.isInteger(step)) return undefined;
    const value = numberCell(m[3] as string);
    if (value !== null) points.push({ key: m[1] ?? (m[2] as string), value, timestamp, step });
  }
  return points;
}

export function parseDagsHubMetricsCsv(text: string, file: string): Result<MetricPoint[]> {
  if (text.length <= 16 * 1024 * 1024) {
    const plain = plainDagsHubPoints(text);
    if (plain) return ok(plain);
  }
  const parsed = parseDagshubMetrics(text, file);
  if (!parsed.ok) return parsed;
  const points: MetricPoint[] = [];
  for (const row of parsed.value.rows) {
    if (typeof row.value !== 'number') continue;
    points.push({ key: row.name, value: row.value, timestamp: row.timestamp, step: row.step });
  }
  return ok(points);
}
