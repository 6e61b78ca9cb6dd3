import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignSeries, downsample, smooth, toSeries } from './history-series.ts';
import { brushMask, buildAxis } from './parallel-coords.ts';
import {
  type Column,
  cellValue,
  columnsOf,
  differingColumns,
  formatCell,
  missingMetricText,
  parseColumnId,
} from './run-columns.ts';
import { deltaOf, filterRuns, groupRuns, orderOfNumbers, sortRuns } from './run-table.ts';
import { neutralizeFormula, runsToCsv } from './runs-csv.ts';
import { makeRuns } from './test-runs.test-support.ts';
import { readCompareState, readTableState, writeCompareState, writeTableState } from './view-state.ts';

const col = (id: string) => parseColumnId(id) as Column;

describe('runs table model', () => {
  const runs = makeRuns(50);

  it('lists attribute, param, metric and tag columns', () => {
    const ids = columnsOf(runs).map((c) => c.id);
    expect(ids).toContain('param:p0');
    expect(ids).toContain('metric:m4');
    expect(ids).toContain('tag:team');
    expect(ids[0]).toBe('attr:name');
  });

  it('names a DVC experiment by its name, says where DVC-kept metrics are', () => {
    const base = makeRuns(1)[0] as (typeof runs)[number];
    const baseline = '4d8400b677bcd09cd43948e8e1c6d9b0e5f2a1c3';
    const exp = {
      ...base,
      source: {
        kind: 'git' as const,
        commit: '94bee38ceb3667211b11d3248',
        branch: `exps/4d/${baseline.slice(2)}/lucid-hare`,
      },
      tags: { 'cairn.metrics_state': 'in-dvc-data' },
    };
    expect(formatCell(cellValue(exp, col('attr:source'), 'last'), col('attr:source'))).toBe('exp lucid-hare@94bee38');
    const onBranch = { ...exp, source: { ...exp.source, branch: 'master' } };
    expect(formatCell(cellValue(onBranch, col('attr:source'), 'last'), col('attr:source'))).toBe('master@94bee38');
    expect(formatCell('in-dvc-data', col('tag:cairn.metrics_state'))).toBe('in DVC data');
    expect(missingMetricText(exp)).toBe('in DVC data');
    expect(missingMetricText({ ...exp, tags: { 'cairn.metrics_state': 'params-only' } })).toBe('');
  });

  it('filters with the core filter language and reports a positioned error', () => {
    const r = filterRuns(runs, "params.p0 = 'sgd' AND metrics.m0 > 0.5");
    expect(r.ok && r.runs.every((x) => x.params.p0 === 'sgd' && (x.metrics.m0 as number) > 0.5)).toBe(true);
    const bad = filterRuns(runs, 'metrics.m0 >> 1');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.column).toBeGreaterThan(1);
  });

  it('sorts numbers numerically in both directions, and by min/max summaries', () => {
    const asc = sortRuns(runs, col('metric:m1'), 'asc').map((r) => r.metrics.m1 as number);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    const desc = sortRuns(runs, col('metric:m1'), 'desc', 'max').map((r) => r.metricSummaries.m1?.max as number);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    const names = sortRuns(runs, col('param:p0'), 'asc').map((r) => r.params.p0);
    expect(names[0]).toBe('adam');
  });

  it('groups by a param with aggregates, and computes deltas against a baseline', () => {
    const groups = groupRuns(runs, col('param:p0'), [col('metric:m0')]);
    expect(groups.map((g) => g.value)).toEqual(['adam', 'rmsprop', 'sgd']);
    expect(groups.reduce((n, g) => n + g.runs.length, 0)).toBe(50);
    const g = groups[0]!;
    const vals = g.runs.map((r) => r.metrics.m0 as number);
    expect(g.aggregates['metric:m0']?.max).toBe(Math.max(...vals));
    expect(deltaOf(runs[1]!, runs[0]!, col('metric:m0'))).toBeCloseTo(
      (runs[1]!.metrics.m0 as number) - (runs[0]!.metrics.m0 as number),
    );
  });

  it('keeps only columns that differ', () => {
    const same = makeRuns(3).map((r) => ({ ...r, tags: { team: 'x' } }));
    const ids = differingColumns(same, columnsOf(same), 'last').map((c) => c.id);
    expect(ids).not.toContain('tag:team');
    expect(ids).toContain('metric:m0');
  });

  it('exports CSV with formula cells neutralised', () => {
    expect(neutralizeFormula('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(neutralizeFormula('-1.5')).toBe('-1.5');
    expect(neutralizeFormula('@SUM(1)')).toBe("'@SUM(1)");
    const evil = makeRuns(1).map((r) => ({ ...r, name: '+cmd|calc' }));
    const csv = runsToCsv(evil, [col('attr:name'), col('metric:m0')], 'last');
    expect(csv.split('\r\n')[1]).toMatch(/^'\+cmd\|calc,/);
  });
});

describe('ordering numbers for a sort', () => {
  it('gives the order of a stable comparator sort, ties (0 and -0, equal infinities) in their order', () => {
    const value = fc.oneof(
      fc.constantFrom(0, -0, 1, -1, 0.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
      fc.double({ noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), fc.constantFrom('asc', 'desc'), (vals, dir) => {
        const sign = dir === 'asc' ? 1 : -1;
        // A stable comparator sort, ties by index: the order the table showed before.
        const expected = vals
          .map((_, i) => i)
          .sort((a, b) => {
            const x = sign * (vals[a] as number);
            const y = sign * (vals[b] as number);
            return x < y ? -1 : x > y ? 1 : a - b;
          });
        expect([...orderOfNumbers(Float64Array.from(vals), dir as 'asc' | 'desc')]).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('view state in the URL', () => {
  it('round-trips the table and compare state', () => {
    const t = {
      filter: "params.lr = '0.1'",
      sort: 'metric:val,loss',
      direction: 'asc' as const,
      columns: ['attr:name', 'metric:val,loss'],
      pinned: ['attr:name'],
      summary: 'max' as const,
      groupBy: 'param:opt',
      onlyDiffering: true,
      baseline: 'r1',
      selected: ['r1', 'r2'],
      widths: { 'attr:name': 240, 'metric:val,loss': 132, 'param:100%': 90 },
      plot: true,
    };
    expect(readTableState(new URLSearchParams(writeTableState(t).toString()))).toEqual(t);
    const c = readCompareState(new URLSearchParams('runs=a,b&x=wall&smooth=0.5&log=1'));
    expect(c).toMatchObject({ runs: ['a', 'b'], xAxis: 'wall', smoothing: 0.5, logScale: true });
    expect(readCompareState(writeCompareState(c))).toEqual(c);
  });

  it('keeps only resized widths, short, and drops damaged ones', () => {
    const none = writeTableState({ ...readTableState(new URLSearchParams()), widths: {} });
    expect(none.has('w')).toBe(false);
    const one = writeTableState({ ...readTableState(new URLSearchParams()), widths: { 'metric:val_iou': 180 } });
    expect(one.get('w')).toBe('metric:val_iou:180');
    const read = readTableState(new URLSearchParams('w=metric:a:150,metric:b:abc,metric:c:5,:90,metric:d:99999,e:100'));
    expect(read.widths).toEqual({ 'metric:a': 150, e: 100 });
  });
});

describe('charts data', () => {
  it('parallel-coordinates axes place runs and brushing selects a range', () => {
    const runs = makeRuns(20);
    const axis = buildAxis(runs, col('metric:m0'), 'last', false);
    const max = Math.max(...runs.map((r) => r.metrics.m0 as number));
    expect(axis.pos[runs.findIndex((r) => r.metrics.m0 === max)]).toBe(1);
    const mask = brushMask([axis], [{ axis: 'metric:m0', lo: 0.5, hi: 1 }], 20);
    for (let i = 0; i < runs.length; i++) expect(mask[i]).toBe((axis.pos[i] as number) >= 0.5 ? 1 : 0);
    const cat = buildAxis(runs, col('param:p0'), 'last', false);
    expect(cat.categories).toEqual(['adam', 'rmsprop', 'sgd']);
  });

  it('history series: x choices, smoothing, downsampling that keeps peaks', () => {
    const pts = Array.from({ length: 1000 }, (_, i) => ({
      key: 'l',
      value: i === 500 ? 100 : 1,
      timestamp: 1000 + i * 10,
      step: i,
    }));
    expect(toSeries(pts, 'relative', 1000).xs[1]).toBeCloseTo(0.01);
    const d = downsample(toSeries(pts, 'step', null), 50);
    expect(d.xs.length).toBeLessThan(250);
    expect(Math.max(...d.ys)).toBe(100);
    expect(smooth(Float64Array.from([1, 1, 1]), 0.9)[2]).toBeCloseTo(1);
    const aligned = alignSeries(
      [toSeries(pts.slice(0, 10), 'step', null), toSeries(pts.slice(5, 15), 'step', null)],
      100,
    );
    expect(aligned[0]).toHaveLength(15);
    expect(aligned[1]?.[12]).toBeNull();
  });
});
