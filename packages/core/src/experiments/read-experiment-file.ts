/**
 * Turns the bytes of an experiment file into values: params files (YAML, JSON, TOML) into
 * flat text params, metrics files (DagsHub metrics.csv series; DVC JSON/YAML/TOML metrics) into
 * metric points. Parsing is delegated to the format modules; this file only picks the format
 * and flattens. Results never throw: a bad file is a ParseError the run page shows.
 */

import { DAGSHUB_METRICS_HEADER } from '../dagshub/metrics-csv.ts';
import { ParseError } from '../errors/parse-error.ts';
import { fail, ok, type Result } from '../errors/result.ts';
import { paramsFormatOf, parseParams } from '../params/params-file.ts';
import type { MetricPoint } from '../runs/run.ts';
import { parseSimpleYamlMap } from '../yaml/simple-yaml.ts';
import { parseDagsHubMetricsCsv } from './dagshub-metrics.ts';
import { flattenMetrics, flattenParamsAsText } from './flatten.ts';

const decoder = new TextDecoder('utf-8');

export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Any structured file DVC accepts for params and metrics: YAML, JSON, TOML (by name; YAML otherwise). */
export function parseStructured(text: string, file: string): Result<unknown> {
  const format = paramsFormatOf(file) ?? 'yaml';
  if (format === 'yaml') {
    // Most params files are simple block maps: read those without the full parser (same result).
    const simple = parseSimpleYamlMap(text);
    if (simple !== undefined) return ok(simple);
  }
  return parseParams(text, file, format);
}

export function readParamsFile(text: string, file: string): Result<Record<string, string>> {
  const parsed = parseStructured(text, file);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  if (v !== null && (typeof v !== 'object' || Array.isArray(v))) {
    return fail({ code: 'schema', message: 'a params file must hold a map of names to values', file });
  }
  return ok(flattenParamsAsText(v ?? {}));
}

/** Who says a file is a metrics file: its DagsHub-style name, or a `dvc.yaml` that names it. */
export type MetricsFileSource = 'dagshub' | 'dvc';

/** Whether the text starts with the DagsHub logger's header line (BOM and CRLF tolerated). */
export function hasDagsHubMetricsHeader(text: string): boolean {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const nl = text.indexOf('\n', start);
  const line = text.slice(start, nl < 0 ? text.length : nl).replace(/\r$/, '');
  return line === DAGSHUB_METRICS_HEADER;
}

function isTable(file: string): boolean {
  const lower = file.toLowerCase();
  return lower.endsWith('.csv') || lower.endsWith('.tsv');
}

function points(value: unknown, timestamp: number): MetricPoint[] {
  return Object.entries(flattenMetrics(value)).map(([key, v]) => ({ key, value: v, timestamp, step: 0 }));
}

/**
 * Metric points of a metrics file. A DagsHub `*metrics.csv` gives a series per name. A file
 * `dvc.yaml` names is read as DVC reads it: JSON and TOML by suffix, anything else as YAML
 * (DVC ≥ 1 has no CSV/TSV metrics; `-t csv` went with 0.x), one point per flattened numeric key
 * at `step` 0 and `timestamp`. A DVC-named CSV/TSV with the DagsHub header is still the DagsHub
 * series (a pipeline may write the logger's file); with another header it is a table DVC shows
 * no metrics from, which is reported at its header rather than read as something it is not.
 */
export function readMetricsFile(
  text: string,
  file: string,
  timestamp: number,
  source: MetricsFileSource = 'dagshub',
): Result<MetricPoint[]> {
  if (isTable(file)) {
    if (source === 'dagshub' || hasDagsHubMetricsHeader(text)) return parseDagsHubMetricsCsv(text, file);
    const yaml = parseParams(text, file, 'yaml');
    if (yaml.ok && yaml.value !== null && typeof yaml.value === 'object' && !Array.isArray(yaml.value)) {
      return ok(points(yaml.value, timestamp));
    }
    const header =
      text
        .replace(/^\uFEFF/, '')
        .split('\n', 1)[0]
        ?.replace(/\r$/, '') ?? '';
    return fail({
      code: 'unsupported_format',
      message:
        `DVC reads metrics from JSON, YAML or TOML maps, and this table (header '${header.slice(0, 80)}') is none, ` +
        `so DVC shows no metrics from it. Write the metrics as JSON or YAML, or as DagsHub's ` +
        `'${DAGSHUB_METRICS_HEADER}' series.`,
      file,
      line: 1,
      column: 1,
    });
  }
  const parsed = parseStructured(text, file);
  if (!parsed.ok) return parsed;
  return ok(points(parsed.value, timestamp));
}

export { ParseError };
