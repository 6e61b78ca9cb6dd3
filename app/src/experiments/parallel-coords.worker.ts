/**
 * Draws parallel-coordinates plots off the main thread (one worker per tab): holds each plot's axes (positions of every
 * run on every axis) and colour bins, redraws on an OffscreenCanvas of its own when the layout
 * or the brushes change, filters the runs by the brushes, and hands back the picture as an
 * ImageBitmap with the brushed selection — so 100,000 runs never block the page.
 */
import {
  axisOfColumn,
  brushedIndices,
  brushMask,
  colorBins,
  colorScaleOf,
  drawParallel,
  type PcAxis,
} from './parallel-coords.ts';
import type { PcFrame, PcRequest } from './parallel-coords-protocol.ts';

interface PlotState {
  axes: PcAxis[];
  colorAxis: PcAxis | null;
  bins: Uint8Array;
  n: number;
}
const plots = new Map<number, PlotState>();
let canvas: OffscreenCanvas | null = null;

self.onmessage = (event: MessageEvent<PcRequest>) => {
  const req = event.data;
  if (req.type === 'dispose') {
    plots.delete(req.plot);
    return;
  }
  if (req.type === 'data') {
    const colorAxis = req.color ? axisOfColumn({ ...req.color, log: false }) : null;
    plots.set(req.plot, {
      n: req.n,
      axes: req.columns.map((c) => axisOfColumn(c)),
      colorAxis,
      bins: colorBins(colorAxis, req.n),
    });
    return;
  }
  const t0 = performance.now();
  const plot = plots.get(req.plot) ?? { axes: [], colorAxis: null, bins: new Uint8Array(0), n: 0 };
  const { layout, dpr } = req;
  const w = Math.max(1, Math.round(layout.width * dpr));
  const h = Math.max(1, Math.round(layout.height * dpr));
  // One canvas for every plot: each frame leaves as a bitmap, so nothing on it needs keeping.
  canvas ??= new OffscreenCanvas(w, h);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const mask = brushMask(plot.axes, req.brushes, plot.n);
  drawParallel(ctx, layout, plot.axes, mask, plot.bins, req.brushes, req.highlight, req.textColor);
  const selected = brushedIndices(mask, req.brushes);
  const frame: PcFrame = {
    type: 'frame',
    plot: req.plot,
    seq: req.seq,
    bitmap: canvas.transferToImageBitmap(),
    selected,
    colorScale: colorScaleOf(plot.colorAxis),
    ms: performance.now() - t0,
  };
  const transfer: Transferable[] = [frame.bitmap];
  if (selected) transfer.push(selected.buffer);
  self.postMessage(frame, { transfer });
};
