/**
 * metrics.csv exactly as the DagsHub logger writes it (docs/FORMATS.md §3): an LF-ended
 * header written by hand, then rows from Python's `csv.writer(quoting=QUOTE_NONNUMERIC)` with
 * its default CRLF terminator — names always quoted, numbers bare in Python repr.
 */
import { pythonNumberRepr } from './python-repr.ts';

export const METRICS_CSV_HEADER = 'Name,Value,Timestamp,Step\n';

export type MetricValue = number | string | boolean;

function csvField(value: MetricValue): string {
  if (typeof value === 'number') return pythonNumberRepr(value);
  // Python's bool is an int subclass: csv writes it bare as True/False.
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return `"${value.replaceAll('"', '""')}"`;
}

/** One row: `"name",value,timestampMs,step` + CRLF. */
export function formatMetricRow(name: string, value: MetricValue, timestampMs: number, step: number): string {
  return `${csvField(name)},${csvField(value)},${Math.trunc(timestampMs)},${Math.trunc(step)}\r\n`;
}
