/**
 * Metric history of many runs with uPlot: x = step, wall time or relative time; smoothing;
 * log scale; drag to zoom, double-click to reset (uPlot's own). A worker (history.worker.ts)
 * shapes the series first — smoothing, then first/min/max/last per x bucket, at most ~2 points
 * per pixel and fewer for many runs (history-series.ts prepareHistory) — so 1,000 runs × 1,000
 * steps reach uPlot bounded and the page never waits on the arithmetic.
 */
import type { Run } from '@cairn/core/runs';
import { createEffect, createSignal, onCleanup, Show } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { workerCalls } from '../workers/worker-calls.ts';
import { chartTheme, runColor } from './chart-theme.ts';
import type { HistoryRequest, HistoryResponse } from './history-protocol.ts';
import {
  columnsOfPoints,
  type HistoryColumns,
  prepareHistory,
  seriesOfColumns,
  smooth,
  type XAxis,
} from './history-series.ts';

// One worker for every chart of the tab, started with the first chart and kept.
let nextRequest = 1;
const historyWorker = workerCalls<HistoryRequest, HistoryResponse>(
  () =>
    new Worker(new URL('./history.worker.ts', import.meta.url), {
      type: 'module',
      name: 'cairn-metric-history',
    }),
  // A worker that throws or fails to load answers what waits (the chart says so; the next chart
  // starts a new worker) instead of leaving the chart waiting forever.
  (id, message) => ({ id, xs: new Float64Array(0), ys: [], mode: 'exact', buckets: 0, ms: 0, error: message }),
);

/** Asks the worker (or, without workers, this thread) for the chart's data. */
function prepare(req: HistoryRequest): Promise<HistoryResponse> {
  if (typeof Worker === 'undefined') {
    const t0 = performance.now();
    const series = req.runs.map((r) => {
      const s = seriesOfColumns(r.history, req.xAxis, r.start);
      return { xs: s.xs, ys: smooth(s.ys, req.smoothing) };
    });
    return Promise.resolve({ id: req.id, ...prepareHistory(series, req.width), ms: performance.now() - t0 });
  }
  return historyWorker(
    req,
    req.runs.flatMap((r) => [r.history.steps.buffer, r.history.timestamps.buffer, r.history.values.buffer]),
  );
}

/** A history's own copy (its buffers go to the worker); an empty one for a run without. */
function copyOf(h: HistoryColumns | undefined): HistoryColumns {
  if (!h) return columnsOfPoints([]);
  return { steps: h.steps.slice(), timestamps: h.timestamps.slice(), values: h.values.slice() };
}

/** uPlot's form: plain arrays with null where a run has no point. */
function toUPlotData(r: HistoryResponse): uPlot.AlignedData {
  return [
    r.xs,
    ...r.ys.map((ys) => {
      const out: (number | null)[] = new Array(ys.length);
      for (let i = 0; i < ys.length; i++) {
        const y = ys[i] as number;
        out[i] = Number.isFinite(y) ? y : null;
      }
      return out;
    }),
  ];
}

export function HistoryChart(props: {
  runs: Run[];
  /** Each run's history of the metric, by run id (not changed: the worker is sent copies). */
  histories: Map<string, HistoryColumns>;
  metric: string;
  xAxis: XAxis;
  smoothing: number;
  logScale: boolean;
}) {
  let host!: HTMLDivElement;
  let plot: uPlot | null = null;
  let frames = 0;
  let latest = 0;
  const [failure, setFailure] = createSignal<string | null>(null);
  createEffect(() => {
    const theme = chartTheme();
    const width = Math.max(320, host.clientWidth || 800);
    const runs = props.runs;
    const { metric, xAxis, logScale } = props;
    const id = nextRequest++;
    latest = id;
    const req: HistoryRequest = {
      id,
      runs: runs.map((r) => ({ history: copyOf(props.histories.get(r.id)), start: r.startTime })),
      xAxis,
      smoothing: props.smoothing,
      width,
    };
    void prepare(req).then((reply) => {
      if (reply.id !== latest) return; // a newer request is on its way
      plot?.destroy();
      plot = null;
      setFailure(reply.error ?? null);
      if (reply.error) return;
      const many = runs.length > 20;
      plot = new uPlot(
        {
          width,
          height: 320,
          title: metric,
          scales: { x: { time: xAxis === 'wall' }, y: { distr: logScale ? 3 : 1 } },
          legend: { show: !many },
          // Axis text and grid in the page's theme (uPlot's defaults are dark grey on any background).
          axes: [
            { stroke: theme.muted, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 } },
            {
              stroke: theme.muted,
              grid: { stroke: theme.grid, width: 1 },
              ticks: { stroke: theme.grid, width: 1 },
              label: metric,
              labelFont: '12px system-ui, sans-serif',
            },
          ],
          // A hover marker per series is a DOM element per run: only for a few runs.
          cursor: { points: { show: !many } },
          // Counts drawn frames (data-frames), which the benchmark waits for.
          hooks: {
            draw: [
              () => {
                host.dataset.frames = String(++frames);
                host.dataset.mode = `${reply.mode}, ${reply.buckets} buckets, ${reply.xs.length} x positions`;
                host.dataset.workerMs = reply.ms.toFixed(1);
              },
            ],
          },
          series: [
            { label: xAxis },
            ...runs.map((r, i) => ({
              label: r.name,
              stroke: runColor(i, theme.dark),
              width: 1,
              spanGaps: true,
              points: { show: false },
            })),
          ],
        },
        toUPlotData(reply),
        host,
      );
    });
  });
  onCleanup(() => {
    latest = -1;
    plot?.destroy();
  });
  return (
    <>
      <Show when={failure()}>
        {(message) => (
          <div class="notice error" role="alert" data-testid="history-chart-error">
            Could not draw the history of {props.metric}: {message()}
          </div>
        )}
      </Show>
      <div ref={host} data-testid="history-chart" />
    </>
  );
}
