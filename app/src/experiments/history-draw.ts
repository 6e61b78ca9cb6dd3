/**
 * The history chart's lines when there are many runs, drawn by the worker where the series
 * live (history.worker.ts): uPlot draws the axes, grid and title from the envelope below, and
 * these lines go on a canvas laid over its plot area with the same scales, so the page's thread
 * never walks 1,000 series × hundreds of points.
 */
import type { HistoryDraw } from './history-protocol.ts';

/** The lowest and highest finite value of any series at each x (NaN where none has one). */
export function historyEnvelope(ys: readonly Float64Array[], length: number): { lo: Float64Array; hi: Float64Array } {
  const lo = new Float64Array(length).fill(Number.POSITIVE_INFINITY);
  const hi = new Float64Array(length).fill(Number.NEGATIVE_INFINITY);
  for (const s of ys) {
    for (let i = 0; i < length; i++) {
      const y = s[i] as number;
      // NaN compares false both ways; ±Infinity has no place on an axis either.
      if (!Number.isFinite(y)) continue;
      if (y < (lo[i] as number)) lo[i] = y;
      if (y > (hi[i] as number)) hi[i] = y;
    }
  }
  for (let i = 0; i < length; i++) {
    if (lo[i] === Number.POSITIVE_INFINITY) {
      lo[i] = Number.NaN;
      hi[i] = Number.NaN;
    }
  }
  return { lo, hi };
}

/** What of a 2D context the lines need (OffscreenCanvas's in the worker; a stand-in in tests). */
export type LineContext = Pick<
  OffscreenCanvasRenderingContext2D,
  'save' | 'restore' | 'beginPath' | 'rect' | 'clip' | 'moveTo' | 'lineTo' | 'stroke' | 'clearRect'
> & { strokeStyle: unknown; lineWidth: number; lineJoin: CanvasLineJoin };

/**
 * Each series as one polyline in its colour, x and y mapped as uPlot maps them (linear, or
 * log10 for a log y scale), clipped to the plot box. Points that are not numbers (a run with
 * no point at that x, or ≤ 0 on a log scale) are stepped over: the line joins its neighbours,
 * as uPlot's spanGaps does.
 */
export function drawHistoryLines(
  ctx: LineContext,
  xs: Float64Array,
  ys: readonly Float64Array[],
  view: Pick<HistoryDraw, 'width' | 'height' | 'box' | 'x' | 'y' | 'lineWidth' | 'colors'>,
): void {
  const { box, x, y } = view;
  ctx.clearRect(0, 0, view.width, view.height);
  ctx.save();
  ctx.beginPath();
  ctx.rect(box.left, box.top, box.width, box.height);
  ctx.clip();
  ctx.lineWidth = view.lineWidth;
  ctx.lineJoin = 'round';
  const fy = y.log ? Math.log10 : (v: number) => v;
  const y0 = fy(y.min);
  const ySpan = fy(y.max) - y0 || 1;
  const xSpan = x.max - x.min || 1;
  // Pixel x of each shared x position, once for every series.
  const px = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) px[i] = box.left + (((xs[i] as number) - x.min) / xSpan) * box.width;
  const bottom = box.top + box.height;
  ys.forEach((s, k) => {
    ctx.beginPath();
    let started = false;
    for (let i = 0; i < s.length; i++) {
      const v = s[i] as number;
      if (!Number.isFinite(v) || (y.log && v <= 0)) continue;
      const py = bottom - ((fy(v) - y0) / ySpan) * box.height;
      if (started) ctx.lineTo(px[i] as number, py);
      else {
        ctx.moveTo(px[i] as number, py);
        started = true;
      }
    }
    if (!started) return;
    ctx.strokeStyle = view.colors[k] ?? '#888';
    ctx.stroke();
  });
  ctx.restore();
}
