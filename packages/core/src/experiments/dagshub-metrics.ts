/**
 * DagsHub metrics.csv → metric points, for the scanner: the shared reader of ../dagshub/ (which
 * knows the LF-header/CRLF-rows layout, quoted names with newlines, nan/inf and the legacy
 * format), keeping only numeric values — a non-numeric value logged under a name is not a metric.
 */
import { parseDagshubMetrics } from '../dagshub/metrics-csv.ts';
import { ok, type Result } from '../errors/result.ts';
import type { MetricPoint } from '../runs/run.ts';

export function parseDagsHubMetricsCsv(text: string, file: string): Result<MetricPoint[]> {
  const parsed = parseDagshubMetrics(text, file);
  if (!parsed.ok) return parsed;
  const points: MetricPoint[] = [];
  for (const row of parsed.value.rows) {
    if (typeof row.value !== 'number') continue;
    points.push({ key: row.name, value: row.value, timestamp: row.timestamp, step: row.step });
  }
  return ok(points);
}
