import type { Run } from '@cairn/core/runs';
import { describe, expect, it } from 'vitest';
import { niceTicks, tickLabel } from './chart-axes.ts';
import { runColor } from './chart-theme.ts';
import { filterSuggestions } from './filter-suggest.ts';
import { keyedRun } from './keyed-runs.ts';
import { isLightColor, RAMP, RAMP_ON_DARK } from './parallel-coords.ts';
import { columnsOf, differingColumns, lowerIsBetter, parseColumnId } from './run-columns.ts';
import { filterRuns, sortRuns } from './run-table.ts';
import { makeRuns } from './test-runs.test-support.ts';

/** A git experiment as the scanner stores it: two metrics files, keys named after them. */
function gitRun(id: string, iou: number): Run {
  const s = (v: number, count: number) => ({ last: v, min: v, max: v, step: 3, timestamp: 0, count });
  return {
    id,
    source: { kind: 'git', commit: id, branch: 'main' },
    name: `commit ${id}`,
    status: 'FINISHED',
    lifecycleStage: 'active',
    startTime: 0,
    endTime: null,
    userId: 'git',
    artifactUri: '',
    params: { 'params.yaml:batch_size': '16', 'train/params.yaml:epochs': '3' },
    metrics: { 'metrics.csv:val_iou': iou, 'metrics.json:val_iou': iou },
    metricSummaries: { 'metrics.csv:val_iou': s(iou, 4), 'metrics.json:val_iou': s(iou, 1) },
    tags: {},
  };
}

describe('the runs table across MLflow runs and git experiments', () => {
  const mlflow = makeRuns(6).map((r, i) => ({
    ...r,
    metrics: { ...r.metrics, val_iou: 0.6 + i * 0.03 },
    params: { ...r.params, batch_size: i % 2 ? '16' : '32' },
  }));
  const all = [...mlflow, gitRun('c1', 0.7148), gitRun('c2', 0.55)].map(keyedRun);

  it('puts the name first, then metrics, with one val_iou column naming its files', () => {
    const cols = columnsOf(all);
    expect(cols[0]?.id).toBe('attr:name');
    expect(cols[1]?.kind).toBe('metric');
    const iou = cols.filter((c) => c.key.endsWith('val_iou'));
    expect(iou.map((c) => c.id)).toEqual(['metric:val_iou']);
    expect(iou[0]?.files).toEqual(['metrics.csv', 'metrics.json']);
    expect(cols.filter((c) => c.key.endsWith('batch_size')).map((c) => c.id)).toEqual(['param:batch_size']);
    expect(cols.findIndex((c) => c.kind === 'param')).toBeGreaterThan(cols.findIndex((c) => c.kind === 'metric'));
  });

  it('filters and sorts git experiments together with MLflow runs', () => {
    const f = filterRuns(all, 'metrics.val_iou > 0.7');
    expect(f.ok && f.runs.map((r) => r.id).sort()).toEqual(['c1', 'run4', 'run5']);
    const sorted = sortRuns(all, parseColumnId('metric:val_iou')!, 'desc').map((r) => r.id);
    expect(sorted.slice(0, 3)).toEqual(['run5', 'run4', 'c1']);
    expect(sorted.at(-1)).toBe('c2');
    const diff = differingColumns(all, columnsOf(all), 'last').map((c) => c.id);
    expect(diff).toContain('metric:val_iou');
    const gitOnly = all.filter((r) => r.source.kind === 'git');
    const gitDiff = differingColumns(gitOnly, columnsOf(gitOnly), 'last').map((c) => c.id);
    expect(gitDiff).toContain('metric:val_iou');
    expect(gitDiff).not.toContain('param:epochs'); // 3 in both
  });

  it('reads a bare number for a param as text, and plain words as a search of names', () => {
    const f = filterRuns(all, 'params.batch_size = 16');
    expect(f.ok).toBe(true);
    if (!f.ok) return;
    expect(f.runs.map((r) => r.id).sort()).toEqual(['c1', 'c2', 'run1', 'run3', 'run5']);
    expect(f.note).toMatch(/quotes/);
    const n = filterRuns(all, 'COMMIT c');
    expect(n.ok && n.runs.map((r) => r.id)).toEqual(['c1', 'c2']);
    expect(n.ok && n.note).toMatch(/names containing/);
    expect(filterRuns(all, 'metrics.val_iou >').ok).toBe(false);
    expect(filterRuns(all, 'metrics.val_iou').ok).toBe(false);
  });

  it('suggests column names for the name being typed', () => {
    const cols = columnsOf(all);
    expect(filterSuggestions('metrics.val', cols)).toEqual(['metrics.val_iou']);
    expect(filterSuggestions('metrics.m0 > 1 AND params.bat', cols)).toEqual(['metrics.m0 > 1 AND params.batch_size']);
    expect(filterSuggestions('iou', cols)).toEqual([]);
    expect(filterSuggestions('val', cols)).toEqual(['metrics.val_iou']);
    expect(filterSuggestions('metrics.val_iou > ', cols)).toEqual([]);
  });

  it('knows which metrics are better lower', () => {
    expect(['val_loss', 'train/loss', 'error_rate', 'rmse'].map(lowerIsBetter)).toEqual([true, true, true, true]);
    expect(['val_iou', 'accuracy', 'lossless_ratio', 'timestamp'].map(lowerIsBetter)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('chart axes and colours', () => {
  it('labels ticks with the precision their step needs', () => {
    const t = niceTicks(0.0021, 0.0034, 5);
    expect(new Set(t.labels).size).toBe(t.labels.length);
    expect(t.labels).toContain('0.0025');
    expect(t.min).toBeLessThanOrEqual(0.0021);
    expect(t.max).toBeGreaterThanOrEqual(0.0034);
    expect(niceTicks(0, 100, 5).labels).toEqual(['0', '20', '40', '60', '80', '100']);
    expect(niceTicks(0.7, 0.7).labels.length).toBeGreaterThan(1);
    expect(tickLabel(0.7148, 0.001)).toBe('0.715');
  });

  it('gives 20 runs 20 different colours, lighter on dark backgrounds', () => {
    const light = Array.from({ length: 20 }, (_, i) => runColor(i, false));
    expect(new Set(light).size).toBe(20);
    expect(runColor(0, true)).not.toBe(runColor(0, false));
    expect(isLightColor('rgb(230, 237, 243)')).toBe(true);
    expect(isLightColor('#1f2328')).toBe(false);
    expect(RAMP_ON_DARK).toHaveLength(RAMP.length);
  });
});
