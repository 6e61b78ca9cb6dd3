import { describe, expect, it } from 'vitest';
import { FIXTURE_RUNS, fixtureToRun } from './filter-cases.fixture.ts';
import { parseOrderBy, parseOrderByList, sortRuns } from './order-by.ts';
import type { Run } from './run.ts';

const runs: Run[] = FIXTURE_RUNS.map((r) => fixtureToRun(r));

function order(...clauses: string[]): string[] {
  const parsed = parseOrderByList(clauses);
  if (!parsed.ok) throw new Error(parsed.error.describe());
  return sortRuns(runs, parsed.value).map((r) => r.name);
}

describe('order_by', () => {
  it('defaults to start_time descending, then run id', () => {
    expect(order()).toEqual(['epsilon', 'delta', 'gamma', 'beta', 'alpha']);
  });

  it('sorts metrics numerically with missing values last in both directions', () => {
    expect(order('metrics.loss')).toEqual(['alpha', 'beta', 'delta', 'epsilon', 'gamma']);
    expect(order('metrics.loss DESC')).toEqual(['delta', 'beta', 'alpha', 'epsilon', 'gamma']);
  });

  it('breaks ties by start_time descending', () => {
    // alpha and epsilon share acc 0.91: the later start comes first.
    expect(order('metrics.acc desc')).toEqual(['gamma', 'epsilon', 'alpha', 'beta', 'delta']);
  });

  it('sorts params as strings, missing last', () => {
    expect(order('params.lr ASC')).toEqual(['gamma', 'alpha', 'beta', 'epsilon', 'delta']);
  });

  it('sorts by attributes and quoted keys', () => {
    expect(order('attributes.start_time')).toEqual(['alpha', 'beta', 'gamma', 'delta', 'epsilon']);
    expect(order('end_time DESC')).toEqual(['epsilon', 'delta', 'beta', 'alpha', 'gamma']);
    expect(order('tags.`team` DESC', 'attributes.run_name')).toEqual(['alpha', 'gamma', 'beta', 'epsilon', 'delta']);
    expect(order('metrics."my metric" DESC')[0]).toBe('delta');
  });

  it('puts NaN after numbers and before missing values', () => {
    const withNan = runs.map((r) => (r.name === 'beta' ? { ...r, metrics: { ...r.metrics, loss: Number.NaN } } : r));
    const parsed = parseOrderBy('metrics.loss DESC');
    if (!parsed.ok) throw parsed.error;
    expect(sortRuns(withNan, [parsed.value]).map((r) => r.name)).toEqual([
      'delta',
      'alpha',
      'beta',
      'epsilon',
      'gamma',
    ]);
  });

  it('gives positioned errors for bad clauses', () => {
    const r = parseOrderBy('metrics.acc sideways');
    expect(!r.ok && [r.error.code, r.error.column]).toEqual(['unexpected_token', 13]);
    const list = parseOrderByList(['metrics.acc', 'attributes.nope']);
    expect(!list.ok && [list.index, list.error.code, list.error.column]).toEqual([1, 'unknown_attribute', 12]);
    const empty = parseOrderBy('  ');
    expect(!empty.ok && empty.error.code).toBe('unexpected_token');
  });
});
