/**
 * The metric-history chart's worker: reads the histories from the store (history-read.ts),
 * shapes them — x choice, smoothing, bounded downsampling and alignment (history-series.ts
 * prepareHistory) — and, for many runs, keeps them and draws their lines as bitmaps
 * (history-draw.ts), so 1,000 runs × 1,000 steps never reach the page's thread.
 */
import { drawHistoryLines, historyEnvelope } from './history-draw.ts';
import type { HistoryPrepare, HistoryRequest, HistoryResponse } from './history-protocol.ts';
import { StoredHistoryReader } from './history-read.ts';
import { HistoryShaper } from './history-shape.ts';
import { experimentsDb } from './run-store.ts';

/** Per chart drawn here: the shaped series it draws from. */
const charts = new Map<number, { xs: Float64Array; ys: Float64Array[] }>();
const shaper = new HistoryShaper(new StoredHistoryReader(experimentsDb));
// One canvas for every chart: each drawing leaves as a bitmap, so nothing on it needs keeping.
let canvas: OffscreenCanvas | null = null;

const reply = (r: HistoryResponse, transfer: Transferable[] = []) => self.postMessage(r, { transfer });

async function prepare(req: HistoryPrepare): Promise<void> {
  const t0 = performance.now();
  // A chart drawn here keeps its series (the shape may be kept too: nothing is transferred);
  // the others are sent to the page.
  const { aligned, missing, readMs, ms } = await shaper.shape(req, req.drawHere);
  const waitedMs = performance.now() - t0;
  charts.set(req.chart, {
    xs: req.drawHere ? aligned.xs : new Float64Array(0),
    ys: req.drawHere ? aligned.ys : [],
  });
  const base = { id: req.id, mode: aligned.mode, buckets: aligned.buckets, missing, readMs, ms, waitedMs };
  if (req.drawHere) {
    const { lo, hi } = historyEnvelope(aligned.ys, aligned.xs.length);
    const xs = aligned.xs.slice();
    reply({ ...base, type: 'prepared', xs, ys: [lo, hi] }, [xs.buffer, lo.buffer, hi.buffer]);
    return;
  }
  reply({ ...base, type: 'prepared', xs: aligned.xs, ys: aligned.ys }, [
    aligned.xs.buffer,
    ...aligned.ys.map((y) => y.buffer),
  ]);
}

self.onmessage = (event: MessageEvent<HistoryRequest>) => {
  const req = event.data;
  const failed = (err: unknown) =>
    reply({ type: 'failed', id: req.id, error: err instanceof Error ? err.message : String(err) });
  try {
    if (req.type === 'prefetch') {
      void shaper.shape(req, true).catch(() => {}); // a failure is reported to the chart that asks
      reply({ type: 'reading', id: req.id });
    } else if (req.type === 'prepare') {
      void prepare(req).catch(failed);
    } else if (req.type === 'draw') {
      const t0 = performance.now();
      const chart = charts.get(req.chart);
      if (!chart) {
        reply({ type: 'drawn', id: req.id, bitmap: null, ms: 0 });
        return;
      }
      canvas ??= new OffscreenCanvas(req.width, req.height);
      if (canvas.width !== req.width) canvas.width = req.width;
      if (canvas.height !== req.height) canvas.height = req.height;
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('this browser gives workers no 2D canvas');
      drawHistoryLines(ctx, chart.xs, chart.ys, req);
      const bitmap = canvas.transferToImageBitmap();
      reply({ type: 'drawn', id: req.id, bitmap, ms: performance.now() - t0 }, [bitmap]);
    } else {
      charts.delete(req.chart);
      reply({ type: 'disposed', id: req.id });
    }
  } catch (err) {
    failed(err);
  }
};
