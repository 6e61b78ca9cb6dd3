import { describe, expect, it } from 'vitest';
import { latestMetrics, summarizeMetrics } from './run.ts';

describe('metric summaries', () => {
  it('takes the latest by step, then timestamp, then value, and tracks min and max', () => {
    const s = summarizeMetrics([
      { key: 'loss', value: 0.9, step: 0, timestamp: 10 },
      { key: 'loss', value: 0.2, step: 5, timestamp: 5 },
      { key: 'loss', value: 0.4, step: 5, timestamp: 7 },
      { key: 'loss', value: 0.3, step: 2, timestamp: 99 },
      { key: 'acc', value: 0.5, step: 1, timestamp: 1 },
      { key: 'acc', value: 0.7, step: 1, timestamp: 1 },
    ]);
    expect(s.loss).toEqual({ last: 0.4, min: 0.2, max: 0.9, step: 5, timestamp: 7, count: 4 });
    expect(s.acc).toMatchObject({ last: 0.7, count: 2 });
    expect(latestMetrics(s)).toEqual({ loss: 0.4, acc: 0.7 });
  });

  it('keeps a __proto__ key as data', () => {
    const s = summarizeMetrics([{ key: '__proto__', value: 1, step: 0, timestamp: 0 }]);
    expect(Object.hasOwn(s, '__proto__')).toBe(true);
    expect(Object.hasOwn(latestMetrics(s), '__proto__')).toBe(true);
  });
});

describe('runFromWire', () => {
  it('revives non-finite numbers sent as strings', async () => {
    const { runFromWire } = await import('./run.ts');
    const wire = JSON.parse(
      '{"metrics":{"a":"NaN","b":1},"metricSummaries":{"a":{"last":"NaN","min":"-Infinity","max":"Infinity","step":0,"timestamp":0,"count":3}}}',
    );
    const run = runFromWire(wire);
    expect(run.metrics.a).toBeNaN();
    expect(run.metrics.b).toBe(1);
    expect(run.metricSummaries.a).toMatchObject({ min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY });
  });
});
