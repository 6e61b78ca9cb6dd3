/** Generated runs for the experiments tests and benchmarks (deterministic). */
import type { Run } from '@cairn/core/runs';

export function makeRuns(n: number, params = 5, metrics = 5, seed = 1): Run[] {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const runs: Run[] = [];
  for (let i = 0; i < n; i++) {
    const p: Record<string, string> = {};
    for (let k = 0; k < params; k++)
      p[`p${k}`] = k === 0 ? ['adam', 'sgd', 'rmsprop'][i % 3]! : String(Math.round(rand() * 1000) / 1000);
    const m: Record<string, number> = {};
    const summaries: Run['metricSummaries'] = {};
    for (let k = 0; k < metrics; k++) {
      const v = rand() * (k + 1);
      m[`m${k}`] = v;
      summaries[`m${k}`] = { last: v, min: v / 2, max: v * 2, step: 10, timestamp: 1_700_000_000_000 + i, count: 10 };
    }
    runs.push({
      id: `run${i}`,
      source: { kind: 'mlflow', runId: `run${i}`, experimentId: '0' },
      name: `run-${i}`,
      status: i % 10 === 0 ? 'FAILED' : 'FINISHED',
      lifecycleStage: 'active',
      startTime: 1_700_000_000_000 + i * 1000,
      endTime: null,
      userId: 'ada',
      artifactUri: '',
      params: p,
      metrics: m,
      metricSummaries: summaries,
      tags: { team: i % 2 ? 'vision' : 'nlp' },
    });
  }
  return runs;
}
