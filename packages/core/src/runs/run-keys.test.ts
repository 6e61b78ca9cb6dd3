import { describe, expect, it } from 'vitest';
import { compileRunFilter } from './filter-evaluate.ts';
import { parseFilter } from './filter-parser.ts';
import { latestMetrics, type MetricPoint, type Run, summarizeMetrics } from './run.ts';
import { keyFiles, originalKey, splitSourcedKey, unifyRunKeys } from './run-keys.ts';

function run(id: string, kind: 'git' | 'mlflow', points: [string, number, number][], params: Record<string, string>) {
  const history: MetricPoint[] = points.map(([key, value, step]) => ({ key, value, step, timestamp: step }));
  const metricSummaries = summarizeMetrics(history);
  const r: Run = {
    id,
    source: kind === 'git' ? { kind, commit: id, branch: 'main' } : { kind, runId: id, experimentId: '0' },
    name: id,
    status: 'FINISHED',
    lifecycleStage: 'active',
    startTime: 0,
    endTime: 0,
    userId: 'u',
    artifactUri: '',
    params,
    metrics: latestMetrics(metricSummaries),
    metricSummaries,
    tags: {},
  };
  return r;
}

const keep = (text: string) => {
  const p = parseFilter(text);
  if (!p.ok) throw new Error(p.error.message);
  return compileRunFilter(p.value);
};

describe('one metric, one column', () => {
  it('splits a file-qualified key, and leaves plain keys (dots included) alone', () => {
    expect(splitSourcedKey('metrics.csv:val_iou')).toMatchObject({ file: 'metrics.csv', name: 'val_iou' });
    expect(splitSourcedKey('eval/scores.json:test.acc')).toMatchObject({ file: 'eval/scores.json', name: 'test.acc' });
    expect(splitSourcedKey('val_iou')).toMatchObject({ file: null, name: 'val_iou' });
    expect(splitSourcedKey('train.loss')).toMatchObject({ file: null, name: 'train.loss' });
    expect(splitSourcedKey('a:b')).toMatchObject({ file: null, name: 'a:b' });
  });

  it('keys a git experiment by name when two files agree, keeping the longer history and the files', () => {
    const g = run(
      'c1',
      'git',
      [
        ['metrics.csv:val_iou', 0.5, 0],
        ['metrics.csv:val_iou', 0.7148, 1],
        ['metrics.json:val_iou', 0.7148, 0],
      ],
      { 'params.yaml:lr': '0.001', 'train/params.yaml:epochs': '10' },
    );
    const u = unifyRunKeys(g);
    expect(u.metrics).toEqual({ val_iou: 0.7148 });
    expect(u.metricSummaries.val_iou).toMatchObject({ last: 0.7148, min: 0.5, count: 2 });
    expect(u.params).toEqual({ lr: '0.001', epochs: '10' });
    expect(keyFiles(u, 'metric', 'val_iou')).toEqual(['metrics.csv', 'metrics.json']);
    expect(keyFiles(u, 'param', 'epochs')).toEqual(['train/params.yaml']);
    expect(originalKey(u, 'metric', 'val_iou')).toBe('metrics.csv:val_iou');
    expect(g.metrics).toHaveProperty(['metrics.csv:val_iou']); // the stored run is untouched
  });

  it('disambiguates only when one run holds two different values under one name', () => {
    const g = run(
      'c2',
      'git',
      [
        ['a/metrics.json:loss', 0.3, 0],
        ['b/metrics.json:loss', 0.9, 0],
        ['a/metrics.json:acc', 0.8, 0],
      ],
      {},
    );
    const u = unifyRunKeys(g);
    expect(Object.keys(u.metrics).sort()).toEqual(['a/metrics.json:loss', 'acc', 'b/metrics.json:loss']);
    expect(u.metrics['a/metrics.json:loss']).toBe(0.3);
  });

  it('returns runs without file-qualified keys as they are', () => {
    const m = run('m1', 'mlflow', [['val_iou', 0.6, 0]], { lr: '0.01' });
    expect(unifyRunKeys(m)).toBe(m);
  });

  it('lets one filter match MLflow runs and git experiments, by name or by the old qualified key', () => {
    const m = unifyRunKeys(run('m1', 'mlflow', [['val_iou', 0.75, 0]], { batch_size: '16' }));
    const g = unifyRunKeys(run('c1', 'git', [['metrics.csv:val_iou', 0.7148, 3]], { 'params.yaml:batch_size': '16' }));
    const low = unifyRunKeys(run('c0', 'git', [['metrics.csv:val_iou', 0.4, 3]], {}));
    const all = [m, g, low];
    expect(all.filter(keep('metrics.val_iou > 0.7')).map((r) => r.id)).toEqual(['m1', 'c1']);
    expect(all.filter(keep("params.batch_size = '16'")).map((r) => r.id)).toEqual(['m1', 'c1']);
    expect(all.filter(keep('metrics.`metrics.csv:val_iou` > 0.7')).map((r) => r.id)).toEqual(['c1']);
    expect(all.filter(keep('metrics.`metrics.json:val_iou` > 0')).map((r) => r.id)).toEqual([]);
  });
});

describe('bare numbers for text fields', () => {
  it('are refused by default (as MLflow does) and read as the text written when asked', () => {
    const strict = parseFilter('params.batch_size = 16');
    expect(strict.ok).toBe(false);
    const loose = parseFilter('params.batch_size = 16', undefined, { bareNumbersAsText: true });
    expect(loose.ok).toBe(true);
    if (!loose.ok) return;
    const f = compileRunFilter(loose.value);
    expect(f(run('a', 'mlflow', [], { batch_size: '16' }))).toBe(true);
    expect(f(run('b', 'mlflow', [], { batch_size: '32' }))).toBe(false);
  });
});

describe('keys that agree', () => {
  it("give one value whatever the order of the run's keys (0 and -0 agree)", () => {
    const a = run('a', 'git', [], {});
    a.metrics = { 'metrics.csv:m0': 0, m0: -0 };
    const b = run('b', 'git', [], {});
    b.metrics = { m0: -0, 'metrics.csv:m0': 0 };
    expect(Object.is(unifyRunKeys(a).metrics.m0, unifyRunKeys(b).metrics.m0)).toBe(true);
    expect(Object.keys(unifyRunKeys(a).metrics)).toEqual(['m0']);
  });

  it("keep one summary whatever the order of the run's keys, when both histories are as long", () => {
    const summary = (last: number) => ({ last, min: -1, max: 1, step: 3, timestamp: 7, count: 2 });
    const a = run('a', 'git', [], {});
    a.metrics = { 'metrics.csv:m0': 0, m0: -0 };
    a.metricSummaries = { 'metrics.csv:m0': summary(0), m0: summary(-0) };
    const b = run('b', 'git', [], {});
    b.metrics = { m0: -0, 'metrics.csv:m0': 0 };
    b.metricSummaries = { m0: summary(-0), 'metrics.csv:m0': summary(0) };
    const got = unifyRunKeys(a).metricSummaries.m0?.last;
    expect(got).toBeDefined();
    expect(Object.is(got, unifyRunKeys(b).metricSummaries.m0?.last)).toBe(true);
  });
});
