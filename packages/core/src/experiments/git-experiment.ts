/** A git experiment: a commit whose experiment files changed, as a run of the one run model. */
import type { MetricPoint, Run } from '../runs/run.ts';

/**
 * How the run's metrics stand, shown in the table rather than guessed:
 * - `present`: metrics read from files in git that this commit wrote;
 * - `params-only`: the params changed but the metrics files did not (no metrics shown);
 * - `in-dvc-data`: dvc.yaml names metrics that live inside DVC-tracked outputs, not in git;
 * - `missing`: the named metrics files are not in the commit.
 */
export type MetricsState = 'present' | 'params-only' | 'in-dvc-data' | 'missing';

export interface ExperimentProblem {
  file: string;
  code: string;
  message: string;
  line?: number;
  column?: number;
}

export interface GitExperiment {
  run: Run;
  /** Every metric point (DagsHub series; one point per key for DVC metrics files). */
  history: MetricPoint[];
  metricsState: MetricsState;
  paramsFiles: string[];
  metricsFiles: string[];
  /** Metrics files that are DVC outputs (not readable from git). */
  dvcMetricsFiles: string[];
  /** The hashes dvc.lock records for the outputs (path from the repository root → md5, `.dir` for folders). */
  outs: Record<string, string>;
  /** Refs whose history holds the commit (`main`, `exps/…/name`), the first is `run.source.branch`. */
  refs: string[];
  problems: ExperimentProblem[];
}

/** Tag keys the scanner sets, so filters and columns can use them. */
export const GIT_EXPERIMENT_TAGS = {
  metricsState: 'cairn.metrics_state',
  commit: 'mlflow.source.git.commit',
  branch: 'mlflow.source.git.branch',
  source: 'cairn.source',
  dvcExperiment: 'cairn.dvc_experiment',
  /** `dvc.out:<path>` → the output's md5 in dvc.lock. */
  outPrefix: 'dvc.out:',
} as const;
