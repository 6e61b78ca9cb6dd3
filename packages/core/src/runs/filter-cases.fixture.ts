import type { FilterErrorCode } from './filter-error.ts';
import type { MetricPoint, Run, RunStatus } from './run.ts';
import { latestMetrics, summarizeMetrics } from './run.ts';

/**
 * The filter language's table of truth: five runs and, per expression, the runs it matches.
 * The core evaluator test and the server's runs/search test both run this same table, which is
 * how "identical on server and client" is checked. Bad expressions list the error code and
 * where (1-based line and column) it must point.
 */

export interface FixtureRun {
  name: string;
  userId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  params: Record<string, string>;
  /** [key, value, step]; timestamps are startTime + step. */
  metrics: Array<[string, number, number]>;
  tags: Record<string, string>;
}

export const FIXTURE_RUNS: readonly FixtureRun[] = [
  {
    name: 'alpha',
    userId: 'alice',
    status: 'FINISHED',
    startTime: 1000,
    endTime: 1500,
    params: { lr: '0.01', opt: 'adam', layers: '2' },
    metrics: [
      ['acc', 0.5, 0],
      ['acc', 0.91, 1],
      ['loss', 0.3, 1],
    ],
    tags: { team: 'vision' },
  },
  {
    name: 'beta',
    userId: 'bob',
    status: 'FAILED',
    startTime: 2000,
    endTime: 2500,
    params: { lr: '0.1', opt: 'sgd' },
    metrics: [
      ['acc', 0.75, 0],
      ['loss', 0.5, 0],
      ['val-loss', 0.6, 0],
    ],
    tags: { team: 'nlp' },
  },
  {
    name: 'gamma',
    userId: 'alice',
    status: 'RUNNING',
    startTime: 3000,
    endTime: null,
    params: { lr: '0.01', opt: 'Adam' },
    metrics: [['acc', 0.95, 3]],
    tags: { team: 'vision', priority: 'high' },
  },
  {
    name: 'delta',
    userId: 'bob',
    status: 'KILLED',
    startTime: 4000,
    endTime: 4500,
    params: { opt: 'rms_prop' },
    metrics: [
      ['acc', 0.99, 0],
      ['acc', 0.5, 7],
      ['loss', 1.5, 7],
      ['my metric', 2, 0],
    ],
    tags: {},
  },
  {
    name: 'epsilon',
    userId: 'carol',
    status: 'FINISHED',
    startTime: 5000,
    endTime: 5500,
    params: { lr: '1e-3', opt: 'adam%' },
    metrics: [['acc', 0.91, 0]],
    tags: { team: 'Vision' },
  },
];

/** Expression → names of the matching runs, in alphabetical order. */
export const FILTER_CASES: ReadonlyArray<[string, string[]]> = [
  ['', ['alpha', 'beta', 'delta', 'epsilon', 'gamma']],
  ['metrics.acc > 0.9', ['alpha', 'epsilon', 'gamma']],
  ['metrics.acc >= 0.91', ['alpha', 'epsilon', 'gamma']],
  ['metrics.acc = 0.75', ['beta']],
  ['metrics.acc != 0.5', ['alpha', 'beta', 'epsilon', 'gamma']],
  ['metrics.loss < 1', ['alpha', 'beta']],
  ['metrics.loss != 0.3', ['beta', 'delta']],
  ['metric.acc <= 0.5', ['delta']],
  ['metrics.acc > -1 and metrics.acc < 1e3', ['alpha', 'beta', 'delta', 'epsilon', 'gamma']],
  ["params.lr = '0.01'", ['alpha', 'gamma']],
  ['params.lr = "0.01"', ['alpha', 'gamma']],
  ["params.lr != '0.01'", ['beta', 'epsilon']],
  ["params.layers = '2'", ['alpha']],
  ["parameters.opt LIKE 'adam%'", ['alpha', 'epsilon']],
  ["params.opt ILIKE 'adam'", ['alpha', 'gamma']],
  ["params.opt LIKE 'Adam'", ['gamma']],
  ["params.opt LIKE 's_d'", ['beta']],
  ["params.opt like '%prop'", ['delta']],
  ["tags.team = 'vision'", ['alpha', 'gamma']],
  ["tags.team ILIKE 'VISION'", ['alpha', 'epsilon', 'gamma']],
  ["tags.team != 'vision'", ['beta', 'epsilon']],
  ["tags.priority = 'high'", ['gamma']],
  ['tags."mlflow.runName" = \'alpha\'', ['alpha']],
  ["attributes.status = 'FINISHED'", ['alpha', 'epsilon']],
  ["status != 'FINISHED'", ['beta', 'delta', 'gamma']],
  ['attributes.start_time >= 3000', ['delta', 'epsilon', 'gamma']],
  ['attributes.end_time > 0', ['alpha', 'beta', 'delta', 'epsilon']],
  ['attributes.created < 2500', ['alpha', 'beta']],
  ["attributes.run_name = 'beta'", ['beta']],
  ["run_name LIKE '%a'", ['alpha', 'beta', 'delta', 'gamma']],
  ["attributes.user_id = 'alice'", ['alpha', 'gamma']],
  ['metrics."val-loss" < 1', ['beta']],
  ['metrics.`my metric` = 2', ['delta']],
  ["metrics.'my metric' >= 2", ['delta']],
  ['metrics.missing > 0', []],
  ["metrics.acc > 0.9 and params.lr = '0.01'", ['alpha', 'gamma']],
  ["METRICS.acc > 0.9 AND Params.lr = '0.01'", ['alpha', 'gamma']],
  ["params.opt = 'sgd' or tags.team = 'vision'", ['alpha', 'beta', 'gamma']],
  ["(params.opt = 'sgd' or tags.team = 'vision') and metrics.acc > 0.8", ['alpha', 'gamma']],
  ["params.opt = 'rms_prop' or tags.team = 'vision' and metrics.acc > 0.92", ['delta', 'gamma']],
  ["((params.opt = 'sgd')) OR (status = 'KILLED')", ['beta', 'delta']],
  ["params.opt IN ('sgd', 'adam')", ['alpha', 'beta']],
  ["params.opt NOT IN ('sgd', 'adam')", ['delta', 'epsilon', 'gamma']],
  ['params.lr not in ("0.01")', ['beta', 'epsilon']],
  ['metrics.acc IN (0.5, 0.75)', ['beta', 'delta']],
  ["attributes.status IN ('RUNNING', 'KILLED')", ['delta', 'gamma']],
  ["metrics.acc > 0.9\n  and params.opt = 'adam'", ['alpha']],
];

/**
 * Notes of some fixture runs (by name, which is the fixture runs' id), as the app supplies them
 * for the `note` attribute of NOTED_RUN_FILTER_SCHEMA; beta's note is blank, delta and epsilon
 * have none. The server holds no notes, so these cases run in core only.
 */
export const FIXTURE_NOTES: Readonly<Record<string, string>> = {
  alpha: '# Baseline\n\nThe baseline for the vision team: adam, lr 0.01.',
  beta: '',
  gamma: 'Retry of the baseline with Adam\nStill running; check tomorrow.',
};

/** Note expression → names of the matching runs, in alphabetical order. */
export const NOTE_FILTER_CASES: ReadonlyArray<[string, string[]]> = [
  ["note ILIKE '%baseline%'", ['alpha', 'gamma']],
  ["note LIKE '%baseline%'", ['alpha', 'gamma']],
  ["note LIKE '%Baseline%'", ['alpha']],
  ["attributes.note ILIKE '%check tomorrow%'", ['gamma']],
  // The whole note is matched, across lines (`%` spans newlines).
  ["note LIKE '# Baseline%lr 0.01.'", ['alpha']],
  ["note = ''", ['beta', 'delta', 'epsilon']],
  ["note != ''", ['alpha', 'gamma']],
  ["note ILIKE '%baseline%' AND metrics.acc > 0.92", ['gamma']],
  ["note ILIKE '%adam%' OR status = 'KILLED'", ['alpha', 'delta', 'gamma']],
  ["note IN ('')", ['beta', 'delta', 'epsilon']],
  ["note ILIKE '%nobody wrote this%'", []],
];

/** Note expressions the noted schema refuses: [text, error code, line, column]. */
export const NOTE_FILTER_ERROR_CASES: ReadonlyArray<[string, FilterErrorCode, number, number]> = [
  ["note > 'a'", 'invalid_comparator', 1, 6],
  ['note ILIKE baseline', 'invalid_value', 1, 12],
  ['note = 1', 'invalid_value', 1, 8],
];

/** Expression → [error code, line, column] of the token it must point at. */
export const FILTER_ERROR_CASES: ReadonlyArray<[string, FilterErrorCode, number, number]> = [
  ["metrics.acc > 'high'", 'invalid_value', 1, 15],
  ['params.lr = 0.01', 'invalid_value', 1, 13],
  ["params.lr > '0.1'", 'invalid_comparator', 1, 11],
  ["foo.bar = 'x'", 'unknown_entity', 1, 1],
  ["attributes.colour = 'red'", 'unknown_attribute', 1, 12],
  ['metrics.acc > 0.9 and', 'unexpected_token', 1, 22],
  ['(metrics.acc > 0.9', 'unexpected_token', 1, 19],
  ['metrics.acc > 0.9)', 'unexpected_token', 1, 18],
  ["params.lr = 'abc", 'unterminated_string', 1, 13],
  ['metrics.val-loss < 1', 'unexpected_character', 1, 12],
  ['params.opt IN ()', 'invalid_value', 1, 16],
  ["params.opt IN ('a' 'b')", 'unexpected_token', 1, 20],
  ['metrics.acc > 0.9\nand params.lr = 1', 'invalid_value', 2, 17],
  ["status = 'x' or or", 'unexpected_token', 1, 17],
  ['metrics.acc 0.9', 'unexpected_token', 1, 13],
  ["params.opt NOT LIKE 'a'", 'unexpected_token', 1, 16],
];

/** The core run a fixture run becomes (the server's runs hold the same data). */
export function fixtureToRun(r: FixtureRun, id = r.name): Run {
  const points: MetricPoint[] = r.metrics.map(([key, value, step]) => ({
    key,
    value,
    step,
    timestamp: r.startTime + step,
  }));
  const metricSummaries = summarizeMetrics(points);
  return {
    id,
    source: { kind: 'mlflow', runId: id, experimentId: '0' },
    name: r.name,
    status: r.status,
    lifecycleStage: 'active',
    startTime: r.startTime,
    endTime: r.endTime,
    userId: r.userId,
    artifactUri: `mlflow-artifacts:/0/${id}/artifacts`,
    params: { ...r.params },
    metrics: latestMetrics(metricSummaries),
    metricSummaries,
    tags: { ...r.tags, 'mlflow.runName': r.name },
  };
}
