import { describe, expect, it } from 'vitest';
import {
  axisOfColumn,
  axisOfValues,
  brushedIndices,
  brushMask,
  buildAxis,
  cellValues,
  fitText,
  MIN_AXIS_GAP,
  plotWidth,
} from './parallel-coords.ts';
import { columnOfCells, columnOfRuns } from './pc-columns.ts';
import { type Column, parseColumnId } from './run-columns.ts';
import { makeRuns } from './test-runs.test-support.ts';

const col = (id: string) => parseColumnId(id) as Column;

describe('parallel coordinates data (what the plot worker computes)', () => {
  it('an axis from cell values equals the axis built from the runs', () => {
    const runs = makeRuns(50, 4, 3);
    for (const id of ['param:p0', 'param:p1', 'metric:m2']) {
      const a = buildAxis(runs, col(id), 'last', false);
      const b = axisOfValues(col(id), cellValues(runs, col(id), 'last'), false);
      expect(Array.from(b.pos)).toEqual(Array.from(a.pos));
      expect(b.categories).toEqual(a.categories);
    }
  });

  it('log axes: missing values do not turn the axis linear, a non-positive one does', () => {
    const c = col('metric:lr');
    const log = axisOfValues(c, [0.001, null, 0.1, Number.NaN, 10], true);
    expect(log.log).toBe(true);
    expect(log.pos[0]).toBe(0);
    expect(log.pos[2]).toBeCloseTo(0.5);
    expect(log.pos[4]).toBe(1);
    expect(Number.isNaN(log.pos[1] as number)).toBe(true);
    expect(axisOfValues(c, [0, 0.1, 10], true).log).toBe(false);
  });

  it('the brushed selection is exactly the runs inside every brush', () => {
    const a = axisOfValues(col('metric:a'), [0, 1, 2, 3, 4], false);
    const b = axisOfValues(col('metric:b'), [4, 3, 2, 1, 0], false);
    expect(brushedIndices(brushMask([a, b], [], 5), [])).toBeNull();
    const brushes = [
      { axis: 'metric:a', lo: 0.25, hi: 1 },
      { axis: 'metric:b', lo: 0.25, hi: 1 },
    ];
    expect(Array.from(brushedIndices(brushMask([a, b], brushes, 5), brushes) ?? [])).toEqual([1, 2, 3]);
    const none = [{ axis: 'metric:a', lo: 0.9, hi: 0.95 }];
    expect(Array.from(brushedIndices(brushMask([a, b], none, 5), none) ?? [9])).toEqual([]);
  });
});

describe('room for the axes and their labels', () => {
  it('widens the plot past its box only when the axes would stand closer than a label needs', () => {
    expect(plotWidth(1200, 5, 48, 48)).toBe(1200);
    expect(plotWidth(340, 14, 48, 48)).toBe(96 + 13 * MIN_AXIS_GAP);
    expect(plotWidth(340, 1, 48, 48)).toBe(340);
  });

  it('cuts a label with an ellipsis to the room it has, and keeps one that fits', () => {
    const ctx = { measureText: (t: string) => ({ width: t.length * 6 }) as TextMetrics };
    expect(fitText(ctx, 'val_iou', 60)).toBe('val_iou');
    const cut = fitText(ctx, 'prepare.image_size', 60);
    expect(cut).toBe('prepare.i…');
    expect(cut.length * 6).toBeLessThanOrEqual(60);
  });
});

describe('typed columns (what the page sends the plot worker)', () => {
  it('a column with any text is categorical: labels sorted, numbers as their text, missing apart', () => {
    const data = columnOfCells(col('param:opt'), [3, 'sgd', null, 'adam'], false);
    expect(data.kind).toBe('text');
    const axis = axisOfColumn(data);
    expect(axis.categories).toEqual(['3', 'adam', 'sgd']);
    expect(Array.from(axis.pos)).toEqual([0, 1, Number.NaN, 0.5]);
  });

  it('a numeric column: missing and non-finite values off the axis, the rest scaled to it', () => {
    const axis = axisOfColumn(columnOfCells(col('metric:loss'), [2, null, Number.POSITIVE_INFINITY, 4, 3], false));
    expect(axis.categories).toBeNull();
    expect([axis.min, axis.max]).toEqual([2, 4]);
    expect(Array.from(axis.pos)).toEqual([0, Number.NaN, Number.NaN, 1, 0.5]);
  });

  it('columns read from runs give the axes of their cells', () => {
    const runs = makeRuns(200, 4, 3);
    for (const id of ['param:p0', 'param:p1', 'metric:m2']) {
      const fromRuns = axisOfColumn(columnOfRuns(runs, col(id), 'last', true));
      const fromCells = axisOfValues(col(id), cellValues(runs, col(id), 'last'), true);
      expect(Array.from(fromRuns.pos)).toEqual(Array.from(fromCells.pos));
      expect(fromRuns.categories).toEqual(fromCells.categories);
    }
  });
});
