/**
 * Metric history of many runs with uPlot: x = step, wall time or relative time; smoothing;
 * log scale; drag to zoom, double-click to reset (uPlot's own). A worker (history.worker.ts)
 * reads the histories from the store itself (or is given them) and shapes the series —
 * smoothing, then first/min/max/last per x bucket, at most ~2 points per pixel and fewer for
 * many runs (history-series.ts prepareHistory). Past MANY_RUNS the worker also keeps the series
 * and draws their lines (history-draw.ts) onto a canvas over uPlot's plot area, with uPlot's
 * scales: uPlot draws axes, grid and title from the runs' envelope, so 1,000 runs × 1,000 steps
 * never cross the page's thread and no task on it walks them.
 */
import type { Run } from '@cairn/core/runs';
import { createEffect, createSignal, onCleanup, onMount, Show, untrack } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { workerCalls } from '../workers/worker-calls.ts';
import { chartTheme, runColor } from './chart-theme.ts';
import type {
  HistoryDraw,
  HistoryPrepare,
  HistoryPrepared,
  HistoryRequest,
  HistoryResponse,
} from './history-protocol.ts';
import { readHistories, StoredHistoryReader } from './history-read.ts';
import {
  columnsOfPoints,
  type HistoryColumns,
  prepareHistory,
  seriesOfColumns,
  smooth,
  type XAxis,
} from './history-series.ts';
import { experimentsDb } from './run-store.ts';
import './experiments.css';

/** The chart's height in CSS px. */
const CHART_HEIGHT = 320;
/** Past this many runs the lines are drawn by the worker (and uPlot's legend and hover points are off). */
const MANY_RUNS = 20;

// One worker for every chart of the tab, started with the first chart and kept.
let nextRequest = 1;
let nextVisit = 1;
/** What the chart needs of a run: its id and name, its start (relative time), its source (fetching). */
export type HistoryRun = Pick<Run, 'id' | 'name' | 'startTime' | 'source'>;

/** A number for one visit of a page that charts stored histories (see StoredHistories.visit). */
export const newVisit = () => nextVisit++;
let nextChart = 1;
const historyWorker = workerCalls<HistoryRequest, HistoryResponse>(
  () =>
    new Worker(new URL('./history.worker.ts', import.meta.url), {
      type: 'module',
      name: 'cairn-metric-history',
    }),
  // A worker that throws or fails to load answers what waits (the chart says so; the next chart
  // starts a new worker) instead of leaving the chart waiting forever.
  (id, message) => ({ type: 'failed', id, error: message }),
);

const canDrawInWorker = () => typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined';

// Without workers (tests, old browsers) this thread reads and shapes.
let hereReader: StoredHistoryReader | null = null;

/**
 * Starts reading and shaping the stored histories a chart is about to ask for (the compare page
 * calls this as soon as it knows the runs and the metric, before it renders): the worker does it
 * while this thread builds the page, and the chart's request joins it.
 */
export function prefetchHistories(
  runs: readonly HistoryRun[],
  stored: Pick<StoredHistories, 'repo' | 'key' | 'visit'>,
  view: { xAxis: XAxis; smoothing: number; width: number },
): void {
  if (typeof Worker === 'undefined' || runs.length === 0) return;
  void historyWorker({
    type: 'prefetch',
    id: nextRequest++,
    runs: runs.map((r) => ({ stored: { repo: stored.repo, runId: r.id, key: stored.key(r) }, start: r.startTime })),
    visit: stored.visit,
    ...view,
  });
}

/** Asks the worker (or, without workers, this thread) for the chart's series. */
async function prepare(req: HistoryPrepare): Promise<HistoryResponse> {
  if (typeof Worker === 'undefined') {
    const t0 = performance.now();
    hereReader ??= new StoredHistoryReader(experimentsDb);
    const read = await readHistories(hereReader, req.runs, req.visit);
    const readMs = performance.now() - t0;
    const series = read.histories.map((h, i) => {
      const s = seriesOfColumns(h, req.xAxis, req.runs[i]?.start ?? null);
      return { xs: s.xs, ys: smooth(s.ys, req.smoothing) };
    });
    const aligned = prepareHistory(series, req.width);
    const ms = performance.now() - t0;
    return { type: 'prepared', id: req.id, ...aligned, missing: read.missing, readMs, ms, waitedMs: ms };
  }
  const transfer = req.runs.flatMap((r) =>
    'history' in r ? [r.history.steps.buffer, r.history.timestamps.buffer, r.history.values.buffer] : [],
  );
  return historyWorker(req, transfer);
}

/** A history's own copy (its buffers go to the worker); an empty one for a run without. */
function copyOf(h: HistoryColumns | undefined): HistoryColumns {
  if (!h) return columnsOfPoints([]);
  return { steps: h.steps.slice(), timestamps: h.timestamps.slice(), values: h.values.slice() };
}

/** uPlot's form: plain arrays with null where a run has no point. */
function toUPlotData(r: HistoryPrepared): uPlot.AlignedData {
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

/** The runs' histories read from the store (by the worker), and how to fetch those it lacks. */
export interface StoredHistories {
  repo: string;
  /** The store key of a run's history of the charted metric. */
  key: (run: HistoryRun) => string;
  /** This visit of the page (newVisit()): what the worker read for it is kept for it, not the next. */
  visit: number;
  /** Fetches (and stores) the histories the store lacked; the chart redraws with them. */
  fetchMissing?: (runs: HistoryRun[]) => Promise<Map<string, HistoryColumns>>;
}

export function HistoryChart(props: {
  runs: readonly HistoryRun[];
  /** Each run's history of the metric, by run id (not changed: the worker is sent copies)… */
  histories?: Map<string, HistoryColumns>;
  /** …or read from the store by the worker (the compare page: nothing crosses this thread). */
  stored?: StoredHistories;
  metric: string;
  xAxis: XAxis;
  smoothing: number;
  logScale: boolean;
}) {
  let host!: HTMLDivElement;
  let plot: uPlot | null = null;
  let lines: HTMLCanvasElement | null = null;
  let frames = 0;
  let latest = 0;
  const chart = nextChart++;
  const [failure, setFailure] = createSignal<string | null>(null);
  const [waiting, setWaiting] = createSignal(false);
  /** The series the plot shows, with what they were asked for. */
  const [prepared, setPrepared] = createSignal<{
    reply: HistoryPrepared;
    runs: readonly HistoryRun[];
    metric: string;
    xAxis: XAxis;
    drawHere: boolean;
    /** The host's width when asked (read again here, it forced a layout of the whole page). */
    width: number;
  } | null>(null);

  createEffect(() => {
    const width = Math.max(320, host.clientWidth || 800);
    const runs = props.runs;
    const { metric, xAxis, smoothing, stored } = props;
    const given = props.histories;
    const drawHere = runs.length > MANY_RUNS && canDrawInWorker();
    const ask = (fetched: Map<string, HistoryColumns> | null) => {
      const id = nextRequest++;
      latest = id;
      setWaiting(true);
      const req: HistoryPrepare = {
        type: 'prepare',
        id,
        chart,
        runs: runs.map((r) => {
          const have = fetched?.get(r.id) ?? given?.get(r.id);
          const source =
            have || !stored
              ? { history: copyOf(have) }
              : { stored: { repo: stored.repo, runId: r.id, key: stored.key(r) } };
          return { ...source, start: r.startTime };
        }),
        visit: stored?.visit ?? 0,
        xAxis,
        smoothing,
        width,
        drawHere,
      };
      void prepare(req).then((reply) => {
        if (reply.id !== latest) return; // a newer request is on its way
        if (reply.type === 'failed') {
          setWaiting(false);
          setFailure(reply.error);
          setPrepared(null);
          return;
        }
        if (reply.type !== 'prepared') return;
        const show = () => {
          setWaiting(false);
          setFailure(null);
          setPrepared({ reply, runs, metric, xAxis, drawHere, width });
        };
        // Histories the store lacked: fetched once (then stored) and the chart asked again with
        // them, before anything is drawn (not an empty chart that fills in).
        const lacking = reply.missing.map((i) => runs[i] as HistoryRun);
        if (fetched !== null || lacking.length === 0 || !stored?.fetchMissing) return show();
        void stored.fetchMissing(lacking).then(
          (got) => reply.id === latest && (got.size ? ask(got) : show()),
          () => reply.id === latest && show(),
        );
      });
    };
    ask(null);
  });

  // Lines drawn by the worker: one drawing in flight at a time, the latest view drawn after it.
  let drawing = false;
  let redraw: uPlot | null = null;
  const drawLines = (u: uPlot, colors: string[], reply: HistoryPrepared) => {
    if (drawing) {
      redraw = u;
      return;
    }
    drawing = true;
    const req: HistoryDraw = {
      type: 'draw',
      id: nextRequest++,
      chart,
      width: u.ctx.canvas.width,
      height: u.ctx.canvas.height,
      box: { left: u.bbox.left, top: u.bbox.top, width: u.bbox.width, height: u.bbox.height },
      x: { min: u.scales.x?.min ?? 0, max: u.scales.x?.max ?? 1 },
      y: { min: u.scales.y?.min ?? 0, max: u.scales.y?.max ?? 1, log: u.scales.y?.distr === 3 },
      lineWidth: uPlot.pxRatio,
      colors,
    };
    void historyWorker(req).then((r) => {
      drawing = false;
      if (r.type === 'failed') setFailure(r.error);
      if (u !== plot || !lines) return; // the plot was replaced meanwhile
      if (redraw === u) {
        redraw = null;
        drawLines(u, colors, reply);
        return;
      }
      if (r.type !== 'drawn' || !r.bitmap) return;
      lines.width = r.bitmap.width;
      lines.height = r.bitmap.height;
      (lines.getContext('bitmaprenderer') as ImageBitmapRenderingContext).transferFromImageBitmap(r.bitmap);
      shown(
        reply,
        `worker read ${reply.readMs.toFixed(1)} ms, shaped ${(reply.ms - reply.readMs).toFixed(1)} ms (the chart waited ${reply.waitedMs.toFixed(1)} ms), drew ${r.ms.toFixed(1)} ms`,
      );
    });
  };
  /** Counts painted frames (data-frames, which the benchmark and tests wait for). */
  const shown = (reply: HistoryPrepared, worker: string) => {
    host.dataset.frames = String(++frames);
    host.dataset.mode = `${reply.mode}, ${reply.buckets} buckets, ${reply.xs.length} x positions`;
    host.dataset.workerMs = reply.ms.toFixed(1);
    host.dataset.worker = worker;
  };

  // The chart follows its box: a narrower window (a phone turned, a window resized) shrinks it
  // rather than leaving the page wider than the screen. The observer's size needs no layout read.
  let boxWidth = 0;
  onMount(() => {
    const resize = new ResizeObserver((entries) => {
      const w = entries.at(-1)?.contentRect.width ?? 0;
      if (!w) return;
      boxWidth = Math.max(320, Math.floor(w));
      if (plot && plot.width !== boxWidth) plot.setSize({ width: boxWidth, height: CHART_HEIGHT });
    });
    resize.observe(host);
    onCleanup(() => resize.disconnect());
  });

  createEffect(() => {
    const p = prepared();
    const theme = chartTheme();
    const logScale = props.logScale;
    untrack(() => {
      plot?.destroy();
      plot = null;
      lines = null;
      if (!p) return;
      const { reply, runs, metric, xAxis, drawHere, width } = p;
      const colors = runs.map((_, i) => runColor(i, theme.dark));
      const many = runs.length > MANY_RUNS;
      plot = new uPlot(
        {
          width: boxWidth || width,
          height: CHART_HEIGHT,
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
          hooks: {
            draw: [(u) => (drawHere ? drawLines(u, colors, reply) : shown(reply, `worker ${reply.ms.toFixed(1)} ms`))],
          },
          series: drawHere
            ? // The envelope sets the y range (and follows a zoom); it is not drawn, the worker's lines are.
              [
                { label: xAxis },
                ...['lowest', 'highest'].map((label) => ({
                  label,
                  stroke: 'transparent',
                  width: 0,
                  spanGaps: true,
                  points: { show: false },
                })),
              ]
            : [
                { label: xAxis },
                ...runs.map((r, i) => ({
                  label: r.name,
                  stroke: colors[i],
                  width: 1,
                  spanGaps: true,
                  points: { show: false },
                })),
              ],
        },
        toUPlotData(reply),
        (u, init) => {
          // The lines' canvas sits over uPlot's own, under its cursor and selection layer.
          if (drawHere) {
            lines = document.createElement('canvas');
            lines.className = 'history-lines';
            lines.dataset.testid = 'history-lines';
          }
          host.append(u.root);
          if (lines) u.ctx.canvas.after(lines);
          init();
        },
      );
    });
  });
  onCleanup(() => {
    latest = -1;
    plot?.destroy();
    if (canDrawInWorker()) void historyWorker({ type: 'dispose', id: nextRequest++, chart });
  });
  return (
    <>
      <Show when={failure()}>
        {(message) => (
          <div class="notice error" role="alert" data-testid="history-chart-error">
            Could not draw the history of {props.metric}: {message()}. Reload the page to try again.
          </div>
        )}
      </Show>
      {/* Until the first chart: the store is being read (the space the chart will take is kept). */}
      <Show when={props.stored && waiting() && !prepared() && !failure()}>
        <p class="exp-note cmp-history-wait" data-testid="history-loading">
          Reading the history of {props.metric} for {props.runs.length.toLocaleString('en')}{' '}
          {props.runs.length === 1 ? 'run' : 'runs'}…
        </p>
      </Show>
      <div ref={host} data-testid="history-chart" />
    </>
  );
}
