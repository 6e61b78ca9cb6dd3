/** The compare page's ranking of runs by the charted metric (compare-ranking.ts). */
import type { Run } from '@cairn/core/runs';
import { describe, expect, it } from 'vitest';
import { rankRuns } from './compare-ranking.ts';
import { parseColumnId } from './run-columns.ts';
import { makeRuns } from './test-runs.test-support.ts';

const withMetric = (runs: Run[], key: string, values: (number | undefined)[]): Run[] =>
  runs.map((r, i) => {
    const metrics = { ...r.metrics };
    const v = values[i];
    if (v === undefined) delete metrics[key];
    else metrics[key] = v;
    return { ...r, metrics };
  });

describe('ranking the compared runs by the charted metric', () => {
  it('puts the highest accuracy first, and runs without the metric last in their order', () => {
    const runs = withMetric(makeRuns(5, 1, 1), 'val_acc', [0.7, undefined, 0.9, 0.8, undefined]);
    const r = rankRuns(runs, parseColumnId('metric:val_acc'));
    expect(r.runs.map((x) => x.id)).toEqual(['run2', 'run3', 'run0', 'run1', 'run4']);
    expect(r.best?.run.id).toBe('run2');
    expect(r.best?.value).toBe(0.9);
    expect(r.lowerIsBetter).toBe(false);
    expect(r.withValue).toBe(3);
  });

  it('puts the lowest loss first', () => {
    const runs = withMetric(makeRuns(3, 1, 1), 'val_loss', [0.5, 0.2, 0.9]);
    const r = rankRuns(runs, parseColumnId('metric:val_loss'));
    expect(r.runs.map((x) => x.id)).toEqual(['run1', 'run0', 'run2']);
    expect(r.best?.run.id).toBe('run1');
    expect(r.lowerIsBetter).toBe(true);
  });

  it('names no best run when none has the metric, or no metric is charted', () => {
    const runs = makeRuns(2, 1, 1);
    expect(rankRuns(runs, parseColumnId('metric:absent')).best).toBeNull();
    expect(rankRuns(runs, null).runs.map((x) => x.id)).toEqual(['run0', 'run1']);
  });
});
