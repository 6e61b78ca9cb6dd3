/**
 * What a `dvc.yaml` says about experiments: the metrics files (stage `metrics` and top-level
 * `metrics`), the params files and keys (stage `params` and top-level `params`), and the
 * DVC-cached outputs — a metrics file inside one of those is not in git, so its values are
 * "in DVC data", never guessed (example-get-started keeps eval/metrics.json inside `eval`).
 * All paths returned are repository-relative.
 */

import { parseDvcYaml } from '../dvc/dvc-yaml.ts';
import { DEFAULT_PARAMS_FILE, expandStages } from '../dvc/expand-stages.ts';
import { dirnameOf, isSameOrInside, joinPath } from '../dvc/posix-path.ts';
import type { ParseError } from '../errors/parse-error.ts';

export interface DvcParamsRef {
  file: string;
  /** Dotted keys tracked; null = the whole file. */
  keys: string[] | null;
}

export interface DvcExperimentFiles {
  metrics: string[];
  params: DvcParamsRef[];
  /** Outputs DVC caches (not in git). */
  cachedOuts: string[];
  problems: ParseError[];
}

/**
 * @param dvcYamlPath repository-relative path of the dvc.yaml
 * @param paramsYaml the parsed `params.yaml` beside it (for `${…}`), or undefined
 */
export function dvcExperimentFiles(dvcYamlPath: string, text: string, paramsYaml: unknown): DvcExperimentFiles {
  const dir = dirnameOf(dvcYamlPath);
  const out: DvcExperimentFiles = { metrics: [], params: [], cachedOuts: [], problems: [] };
  const parsed = parseDvcYaml(text, dvcYamlPath);
  if (!parsed.ok) {
    out.problems.push(parsed.error);
    return out;
  }
  const y = parsed.value;
  for (const m of y.metrics) out.metrics.push(joinPath(dir, m));
  for (const p of y.params) out.params.push({ file: joinPath(dir, p), keys: null });
  const files = paramsYaml === undefined ? {} : { [DEFAULT_PARAMS_FILE]: paramsYaml };
  const stages = expandStages(y, { files });
  if (!stages.ok) {
    out.problems.push(stages.error);
    return out;
  }
  for (const stage of stages.value) {
    const base = joinPath(dir, stage.wdir);
    for (const o of stage.outs) {
      const path = joinPath(base, o.path);
      if (o.kind === 'metric') out.metrics.push(path);
      if (o.cache) out.cachedOuts.push(path);
    }
    for (const p of stage.params) out.params.push({ file: joinPath(base, p.file), keys: p.keys });
  }
  out.metrics = [...new Set(out.metrics)];
  return out;
}

/** The DVC-cached output a path lies in, if any. */
export function cachedOutHolding(path: string, cachedOuts: readonly string[]): string | null {
  return cachedOuts.find((o) => isSameOrInside(path, o)) ?? null;
}

/** Keeps only the tracked keys (a key names a value or a whole section) of flat params. */
export function pickTrackedParams(flat: Record<string, string>, keys: string[] | null): Record<string, string> {
  if (keys === null || keys.length === 0) return flat;
  const picked: Record<string, string> = {};
  for (const [k, v] of Object.entries(flat)) {
    if (keys.some((key) => k === key || k.startsWith(`${key}.`))) picked[k] = v;
  }
  return picked;
}
