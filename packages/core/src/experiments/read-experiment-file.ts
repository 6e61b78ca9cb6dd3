/**
 * Turns the bytes of an experiment file into values: params files (YAML, JSON, TOML) into
 * flat text params, metrics files (DagsHub metrics.csv series; DVC JSON/YAML metrics) into
 * metric points. Parsing is delegated to the format modules; this file only picks the format
 * and flattens. Results never throw: a bad file is a ParseError the run page shows.
 */
import { ParseError } from '../errors/parse-error.ts';
import { fail, ok, type Result } from '../errors/result.ts';
import { paramsFormatOf, parseParams } from '../params/params-file.ts';
import type { MetricPoint } from '../runs/run.ts';
import { parseDagsHubMetricsCsv } from './dagshub-metrics.ts';
import { flattenMetrics, flattenParamsAsText } from './flatten.ts';
import { parseSimpleYamlMap } from './simple-yaml.ts';

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

/**
 * Metric points of a metrics file. DagsHub CSV gives a series per name; a DVC JSON/YAML
 * metrics file gives one point per (flattened, numeric) key at `step` 0 and `timestamp`.
 */
export function readMetricsFile(text: string, file: string, timestamp: number): Result<MetricPoint[]> {
  if (file.toLowerCase().endsWith('.csv')) return parseDagsHubMetricsCsv(text, file);
  const parsed = parseStructured(text, file);
  if (!parsed.ok) return parsed;
  const flat = flattenMetrics(parsed.value);
  return ok(Object.entries(flat).map(([key, value]) => ({ key, value, timestamp, step: 0 })));
}

export { ParseError };
