/**
 * DagsHub's `params.yml`: `yaml.safe_dump(params)` of everything logged (PyYAML defaults:
 * keys sorted, block style, 80-column folding, YAML 1.1 quoting of strings that would read as
 * numbers or booleans, `allow_unicode=False`). Read with the bounded YAML loader; written by
 * pyyaml-dump.ts, PyYAML's emitter byte for byte. The only writer of this file in Cairn: the
 * logger (@cairn/logger) uses it too.
 */
import { fail, ok, type Result } from '../errors/result.ts';
import { deepEqual } from '../yaml/deep-equal.ts';
import { loadYaml } from '../yaml/load-yaml.ts';
import { pythonStr } from './python-repr.ts';
import { pyyamlSafeDump } from './pyyaml-dump.ts';

/** A logged hyperparameter after the DagsHub logger's normalisation (BigInt: a Python int). */
export type DagshubParamLeaf = string | number | bigint | boolean | null;
export interface DagshubParamTree {
  [key: string]: DagshubParamLeaf | DagshubParamTree;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * The DagsHub logger's normalisation of logged hyperparameters: None/int/float/bool stay,
 * nested dicts stay maps, anything else (lists, dates, …) becomes Python's `str(value)`.
 * @example normalizeDagshubParams({ cols: ['a'], lr: 0.1 }) // { cols: "['a']", lr: 0.1 }
 */
export function normalizeDagshubParams(params: Record<string, unknown>): DagshubParamTree {
  const out: DagshubParamTree = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (v === null || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') out[k] = v;
    else if (isPlainObject(v)) out[k] = normalizeDagshubParams(v);
    else out[k] = pythonStr(v);
  }
  return out;
}

/** Reads `params.yml` (a mapping; `{}` when empty) as PyYAML would: YAML 1.1 (`08` is text). */
export function parseDagshubParams(text: string, file = 'params.yml'): Result<Record<string, unknown>> {
  const r = loadYaml(text, { file, version: 'pyyaml' });
  if (!r.ok) return r;
  const data = r.value.data;
  if (data === null) return ok({});
  if (typeof data !== 'object' || Array.isArray(data)) {
    return fail({
      code: 'schema',
      message: 'params.yml must be a mapping of names to values.',
      file,
      line: 1,
      column: 1,
    });
  }
  return ok(data as Record<string, unknown>);
}

/**
 * `yaml.safe_dump(params)` as PyYAML writes it; `original` (the text it was read from) is
 * returned unchanged when the values are the same.
 * @example serializeDagshubParams({ lr: 0.02, gpus: null, n_clusters: '4' }) // "gpus: null\nlr: 0.02\nn_clusters: '4'\n"
 */
export function serializeDagshubParams(params: Record<string, unknown>, original?: string): string {
  if (original !== undefined) {
    const before = parseDagshubParams(original);
    if (before.ok && deepEqual(before.value, params)) return original;
  }
  return pyyamlSafeDump(params);
}
