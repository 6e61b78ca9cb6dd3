/**
 * The history lines drawn by the worker for many runs (history-draw.ts): the envelope uPlot
 * ranges its axes on, and each run's polyline placed on uPlot's scales, recorded through a
 * stand-in 2D context.
 */
import { describe, expect, it } from 'vitest';
import { drawHistoryLines, historyEnvelope, type LineContext } from './history-draw.ts';

/** A 2D context that records each stroked polyline and its colour. */
function recorder() {
  const lines: { color: unknown; points: [number, number][] }[] = [];
  let current: [number, number][] = [];
  const ctx: LineContext = {
    strokeStyle: '',
    lineWidth: 1,
    lineJoin: 'miter',
    save() {},
    restore() {},
    clearRect() {},
    rect() {},
    clip() {},
    beginPath() {
      current = [];
    },
    moveTo(x: number, y: number) {
      current.push([x, y]);
    },
    lineTo(x: number, y: number) {
      current.push([x, y]);
    },
    stroke() {
      lines.push({ color: ctx.strokeStyle, points: current });
    },
  } as LineContext;
  return { ctx, lines };
}

const view = {
  width: 120,
  height: 120,
  box: { left: 10, top: 10, width: 100, height: 100 },
  x: { min: 0, max: 10 },
  y: { min: 0, max: 100, log: false },
  lineWidth: 1,
  colors: ['red', 'blue', 'green'],
};

describe('history lines drawn in the worker', () => {
  it('gives uPlot the lowest and highest value at each x, and nothing where no run has one', () => {
    const ys = [Float64Array.of(1, Number.NaN, 5, Number.NaN), Float64Array.of(3, 2, Number.NaN, Number.NaN)];
    const { lo, hi } = historyEnvelope(ys, 4);
    expect(Array.from(lo)).toEqual([1, 2, 5, Number.NaN]);
    expect(Array.from(hi)).toEqual([3, 2, 5, Number.NaN]);
  });

  it('draws each run in its colour on the scales, joining across the xs it has no point at', () => {
    const { ctx, lines } = recorder();
    const xs = Float64Array.of(0, 5, 10);
    drawHistoryLines(ctx, xs, [Float64Array.of(0, Number.NaN, 100), Float64Array.of(50, 50, 50)], view);
    expect(lines).toEqual([
      // x 0 → left edge, 10 → right edge; y 0 → bottom, 100 → top (canvas y grows down).
      {
        color: 'red',
        points: [
          [10, 110],
          [110, 10],
        ],
      },
      {
        color: 'blue',
        points: [
          [10, 60],
          [60, 60],
          [110, 60],
        ],
      },
    ]);
  });

  it('places values by their logarithm on a log scale and leaves out values ≤ 0', () => {
    const { ctx, lines } = recorder();
    drawHistoryLines(ctx, Float64Array.of(0, 5, 10), [Float64Array.of(1, 0, 100)], {
      ...view,
      y: { min: 1, max: 100, log: true },
    });
    expect(lines[0]?.points).toEqual([
      [10, 110],
      [110, 10],
    ]);
    const mid = recorder();
    drawHistoryLines(mid.ctx, Float64Array.of(5, 10), [Float64Array.of(10, 100)], {
      ...view,
      y: { min: 1, max: 100, log: true },
    });
    // 10 is halfway between 1 and 100 on a log scale.
    expect(mid.lines[0]?.points).toEqual([
      [60, 60],
      [110, 10],
    ]);
  });
});
