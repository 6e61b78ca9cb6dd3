/**
 * Turns the bytes of an experiment file into values: params files (YAML, JSON, TOML) into
 * flat text params, metrics files (DagsHub metrics.csv series; DVC JSON/YAML metrics) into
 * metric points. Parsing is delegated to the format modules; this file only picks the format
 * and flattens. Results never throw: a bad file is a ParseError the run page shows.
 */
import { parse as parseToml } from 'smol-toml';
import { ParseError } from '../errors/parse-error.ts';
import { fail, ok, type Result } from '../errors/result.ts';
import type { MetricPoint } from '../runs/run.ts';
import { loadYaml } from '../yaml/load-yaml.ts';
import { parseDagsHubMetricsCsv } from './dagshub-metrics.ts';
import { flattenMetrics, flattenParams } from './flatten.ts';

const decoder = new TextDecoder('utf-8');

export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Any structured file DVC accepts for params and metrics: YAML (and JSON as YAML), TOML. */
export function parseStructured(text: string, file: string): Result<unknown> {
  const lower = file.toLowerCase();
  if (lower.endsWith('.toml')) {
    try {
      return ok(parseToml(text));
    } catch (err) {
      const e = err as { line?: number; column?: number; message: string };
      return fail({ code: 'toml_syntax', message: e.message, file, line: e.line, column: e.column });
    }
  }
  if (lower.endsWith('.json')) {
    try {
      return ok(JSON.parse(text));
    } catch (err) {
      return fail({ code: 'json_syntax', message: (err as Error).message, file });
    }
  }
  const loaded = loadYaml(text, { file });
  return loaded.ok ? ok(loaded.value.data) : loaded;
}

export function readParamsFile(text: string, file: string): Result<Record<string, string>> {
  const parsed = parseStructured(text, file);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  if (v !== null && (typeof v !== 'object' || Array.isArray(v))) {
    return fail({ code: 'schema', message: 'a params file must hold a map of names to values', file });
  }
  return ok(flattenParams(v ?? {}));
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
