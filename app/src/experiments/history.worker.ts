/**
 * Shapes metric histories for the history chart off the main thread: x choice, smoothing and
 * bounded downsampling/alignment (history-series.ts prepareHistory) of every run, so 1,000
 * runs × 1,000 steps reach uPlot as a few hundred thousand values without blocking the page.
 */
import type { HistoryRequest, HistoryResponse } from './history-protocol.ts';
import { prepareHistory, seriesOfColumns, smooth } from './history-series.ts';

self.onmessage = (event: MessageEvent<HistoryRequest>) => {
  const t0 = performance.now();
  const { id, runs, xAxis, smoothing, width } = event.data;
  const series = runs.map((r) => {
    const s = seriesOfColumns(r.history, xAxis, r.start);
    return { xs: s.xs, ys: smooth(s.ys, smoothing) };
  });
  const aligned = prepareHistory(series, width);
  const reply: HistoryResponse = { id, ...aligned, ms: performance.now() - t0 };
  self.postMessage(reply, { transfer: [aligned.xs.buffer, ...aligned.ys.map((y) => y.buffer)] });
};
