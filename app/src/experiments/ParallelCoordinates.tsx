/**
 * The parallel-coordinates plot, with brushing (drag along an axis; double-click clears).
 * The page only handles the pointer: a worker (parallel-coords.worker.ts) builds the axes,
 * filters by the brushes, draws on an OffscreenCanvas and sends back the picture (an
 * ImageBitmap, blitted here) with the runs inside the brushes — so 100,000 runs never stall the
 * page. The cells come as typed columns (pc-columns.ts) from where the runs are held (`table`:
 * the runs table's worker for the Experiments page's shown runs, the compare worker for the
 * compare page's), handed on to the plot's worker without a run object walked on the page. Where
 * workers or OffscreenCanvas are missing it draws in the page. Below the plot, a legend says what
 * the colours mean.
 */
import { createEffect, createMemo, createSignal, on, onCleanup, Show, untrack } from 'solid-js';
import { chartTheme } from './chart-theme.ts';
import {
  axisOfColumn,
  type Brush,
  brushedIndices,
  brushMask,
  colorBins,
  colorScaleOf,
  drawParallel,
  formatAxisValue,
  type PcColorScale,
  type PcLayout,
  plotWidth,
  RAMP,
  RAMP_ON_DARK,
} from './parallel-coords.ts';
import type { PcFrame, PcRequest } from './parallel-coords-protocol.ts';
import { type ColumnSpec, columnBuffers, type PcColumnData } from './pc-columns.ts';
import { NO_RUNS, type PcTableRuns, type PlottedRuns, plottedOfSlots } from './pc-runs.ts';
import { type PlotLine, pcWorkerHub } from './pc-worker-client.ts';
import type { Column, MetricSummaryKind } from './run-columns.ts';

const HEIGHT = 360;
/** Room left and right of the outer axes for half of their labels. */
const MARGIN = 48;

// One worker for every plot of the tab (pc-worker-client.ts); a plot whose worker dies draws here.
let nextPlot = 1;
const hub = pcWorkerHub(() =>
  typeof Worker === 'undefined' || typeof OffscreenCanvas === 'undefined'
    ? null
    : new Worker(new URL('./parallel-coords.worker.ts', import.meta.url), {
        type: 'module',
        name: 'cairn-parallel-coordinates',
      }),
);

export function ParallelCoordinates(props: {
  /** The runs plotted, held by a worker: their columns are read there. */
  table: PcTableRuns;
  columns: Column[];
  summary: MetricSummaryKind;
  logAxes: string[];
  colorBy: Column | null;
  /** The ids of the runs inside every brush; null when no brush is set. */
  onSelect?: (ids: Set<string> | null) => void;
}) {
  let canvas!: HTMLCanvasElement;
  let box!: HTMLDivElement;
  const [brushes, setBrushes] = createSignal<Brush[]>([]);
  // The box's width; the plot is as wide, or wider (and the box scrolls) with many axes.
  const [boxWidth, setBoxWidth] = createSignal(800);
  const width = createMemo(() => plotWidth(boxWidth(), props.columns.length, MARGIN, MARGIN));
  // The bottom holds each axis's minimum and, below it, the "missing" mark.
  const layout = (): PcLayout => ({
    width: width(),
    height: HEIGHT,
    top: 34,
    bottom: 46,
    left: MARGIN,
    right: MARGIN,
  });
  const dpr = () => globalThis.devicePixelRatio || 1;
  const textColor = () => (canvas.isConnected ? getComputedStyle(canvas).color : '') || '#222';

  // The runs of the data the worker was last given (to map its selection back to ids).
  let sentRuns: PlottedRuns = NO_RUNS;
  const [colorScale, setColorScale] = createSignal<PcColorScale | null>(null);
  // Why the runs table's worker could not give the columns (null: it did, or was not asked).
  const [readError, setReadError] = createSignal<string | null>(null);
  let frames = 0;
  // The selection last told (undefined: none yet), and the frame's indices and runs it came from:
  // a frame with the same ones (a redraw at another width) tells nothing new without a look at
  // its ids, and a new selection is compared by its ids (no string of 100,000 of them).
  let lastIds: Set<string> | null | undefined;
  let lastFrom: { indices: Uint32Array | null; runs: PlottedRuns } | null = null;
  const emitSelection = (indices: Uint32Array | null, runs: PlottedRuns) => {
    canvas.dataset.selected = indices ? String(indices.length) : 'all';
    const from = lastFrom;
    lastFrom = { indices, runs };
    if (from && from.runs === runs && sameIndices(from.indices, indices)) return;
    const ids = indices ? new Set(Array.from(indices, (i) => runs.idAt(i))) : null;
    if (lastIds !== undefined && sameIds(lastIds, ids)) return;
    lastIds = ids;
    props.onSelect?.(ids);
  };
  const shown = () => {
    canvas.dataset.frames = String(++frames);
  };

  const plot = nextPlot++;
  // Set when the worker died: the data is read again for drawing in the page.
  const [workerGone, setWorkerGone] = createSignal(false);
  let worker: PlotLine | null = hub.connect(
    plot,
    (f) => showFrame(f),
    (message) => {
      // The worker died (and took this plot's data with it): draw in the page from now on.
      worker = null;
      busy = false;
      canvas.dataset.workerError = message;
      setWorkerGone(true);
    },
  );
  onCleanup(() => worker?.close());

  // One frame in flight at a time; changes meanwhile are folded into the next one.
  let busy = false;
  let dirty = false;
  let seq = 0;
  const runsOfSeq = new Map<number, PlottedRuns>();
  // What the last frame asked for: a request for the same picture is dropped (mounting sets
  // the width and the data in one go; without this the worker drew 10,000 runs twice).
  let dataVersion = 0;
  let lastAsked: { data: number; width: number; dpr: number; brushes: Brush[]; color: string } | null = null;
  const requestDraw = () =>
    untrack(() => {
      if (!worker) return drawHere();
      if (busy) {
        dirty = true;
        return;
      }
      const ask = { data: dataVersion, width: width(), dpr: dpr(), brushes: brushes(), color: textColor() };
      if (
        lastAsked &&
        lastAsked.color === ask.color &&
        lastAsked.data === ask.data &&
        lastAsked.width === ask.width &&
        lastAsked.dpr === ask.dpr &&
        lastAsked.brushes === ask.brushes
      )
        return;
      lastAsked = ask;
      busy = true;
      dirty = false;
      seq++;
      runsOfSeq.set(seq, sentRuns);
      const req: PcRequest = {
        type: 'draw',
        plot,
        seq,
        layout: layout(),
        dpr: dpr(),
        textColor: textColor(),
        brushes: brushes(),
        highlight: null,
      };
      worker.post(req);
    });
  const showFrame = (f: PcFrame) => {
    const ctx = canvas.getContext('2d');
    if (ctx) {
      if (canvas.width !== f.bitmap.width) canvas.width = f.bitmap.width;
      if (canvas.height !== f.bitmap.height) canvas.height = f.bitmap.height;
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(f.bitmap, 0, 0);
    }
    f.bitmap.close();
    canvas.dataset.workerMs = f.ms.toFixed(1);
    setColorScale(f.colorScale);
    const drew = runsOfSeq.get(f.seq) ?? NO_RUNS;
    canvas.dataset.runs = String(drew.count);
    shown();
    emitSelection(f.selected, drew);
    runsOfSeq.delete(f.seq);
    busy = false;
    if (dirty) requestDraw();
  };

  /** Without a worker: the columns of the current runs, kept for drawing in the page. */
  let here: { columns: PcColumnData[]; color: PcColumnData | null; runs: PlottedRuns } | null = null;
  /** Without a worker: the same drawing on this thread. */
  const drawHere = () =>
    untrack(() => {
      const ctx = canvas.getContext('2d');
      if (!ctx || !here) return;
      const l = layout();
      const d = dpr();
      canvas.width = l.width * d;
      canvas.height = l.height * d;
      ctx.setTransform(d, 0, 0, d, 0, 0);
      const n = here.runs.count;
      const axes = here.columns.map(axisOfColumn);
      const colorAxis = here.color ? axisOfColumn(here.color) : null;
      const bins = colorBins(colorAxis, n);
      const mask = brushMask(axes, brushes(), n);
      drawParallel(ctx, l, axes, mask, bins, brushes(), null, textColor());
      setColorScale(colorScaleOf(colorAxis));
      canvas.dataset.runs = String(n);
      shown();
      emitSelection(brushedIndices(mask, brushes()), here.runs);
    });

  // New runs, columns, summary, log axes or colouring: the cells are read where the runs are
  // held (a few tens of milliseconds there for 100,000 runs) and go to the plot's worker. Each
  // frame's selection maps back through the runs it drew.
  let dataToken = 0;
  createEffect(() => {
    // The first frame at the real width (not a guess redrawn once the observer reports).
    if (frames === 0 && box.clientWidth) setBoxWidth(Math.max(320, box.clientWidth));
    workerGone();
    const table = props.table;
    const summary = props.summary;
    const cols = props.columns;
    const logAxes = props.logAxes;
    const colorCol = props.colorBy;
    const token = ++dataToken;
    // Brushes on axes that are gone no longer filter.
    const ids = new Set(cols.map((c) => c.id));
    const kept = untrack(brushes).filter((b) => ids.has(b.axis));
    if (kept.length !== untrack(brushes).length) setBrushes(kept);
    // Colouring by a plotted column reuses its cells (the worker makes its own linear axis).
    const colorApart = colorCol !== null && !cols.some((c) => c.id === colorCol.id);
    const specs: ColumnSpec[] = [
      ...cols.map((col) => ({ col, log: logAxes.includes(col.id) })),
      ...(colorApart ? [{ col: colorCol, log: false }] : []),
    ];
    const send = (list: PlottedRuns, read: PcColumnData[]) => {
      if (token !== dataToken) return;
      const columns = read.slice(0, cols.length);
      const colorData = colorCol ? read.find((c) => c.col.id === colorCol.id) : undefined;
      const color: PcColumnData | null = colorData ? { ...colorData, log: false } : null;
      sentRuns = list;
      dataVersion++;
      if (!worker) {
        here = { columns, color, runs: list };
        requestDraw();
        return;
      }
      const buffers = new Set([...columns, ...(color ? [color] : [])].flatMap(columnBuffers));
      const req: PcRequest = { type: 'data', plot, columns, color, n: list.count };
      worker.post(req, [...buffers]);
      requestDraw();
    };
    const asked = performance.now();
    void table.read(table.slots, specs, summary).then(
      (a) => {
        if (token !== dataToken) return;
        // How long the worker holding the runs took to answer (the bench prints it).
        canvas.dataset.readMs = (performance.now() - asked).toFixed(1);
        if (a.ms !== undefined) canvas.dataset.readWorkerMs = a.ms.toFixed(1);
        setReadError(null);
        send(plottedOfSlots(a.slots, table.idOf), a.columns);
      },
      (err: unknown) => {
        if (token === dataToken) setReadError(err instanceof Error ? err.message : String(err));
      },
    );
  });
  // A new size or brush: a new frame (the first frame comes from the data above).
  // A theme switch: a new frame in the theme's text colour.
  createEffect(on([width, brushes, chartTheme], () => requestDraw(), { defer: true }));

  const resize = new ResizeObserver(() => setBoxWidth(Math.max(320, box.clientWidth)));
  queueMicrotask(() => resize.observe(box));
  onCleanup(() => resize.disconnect());
  let drag: { axis: string; y0: number } | null = null;
  const posAt = (y: number) => {
    const l = layout();
    return Math.min(1, Math.max(0, 1 - (y - l.top) / (l.height - l.top - l.bottom)));
  };
  return (
    <>
      <div class="pc-scroll" ref={box} data-testid="parallel-coordinates-box">
        <canvas
          ref={canvas}
          class="cmp-canvas pc-canvas"
          data-testid="parallel-coordinates"
          data-axes={props.columns.length}
          style={`height:${HEIGHT}px;width:${width()}px`}
          onPointerDown={(e) => {
            const r = canvas.getBoundingClientRect();
            const x = e.clientX - r.left;
            const count = props.columns.length;
            const l = layout();
            const inner = l.width - l.left - l.right;
            const i = count <= 1 ? 0 : Math.round(((x - l.left) / inner) * (count - 1));
            const col = props.columns[i];
            if (col) drag = { axis: col.id, y0: e.clientY - r.top };
          }}
          onPointerMove={(e) => {
            if (!drag) return;
            const y = e.clientY - canvas.getBoundingClientRect().top;
            const a = posAt(drag.y0);
            const b = posAt(y);
            const d = drag;
            setBrushes([
              ...brushes().filter((x) => x.axis !== d.axis),
              { axis: d.axis, lo: Math.min(a, b), hi: Math.max(a, b) },
            ]);
          }}
          onPointerUp={() => {
            drag = null;
          }}
          onDblClick={() => setBrushes([])}
        />
      </div>
      <Show when={colorScale()}>{(scale) => <ColorLegend scale={scale()} />}</Show>
      <Show when={readError()}>
        {(message) => (
          <p class="exp-note exp-error" data-testid="pc-read-error">
            The plot could not read the runs ({message()}). Reload the page to try again.
          </p>
        )}
      </Show>
      <Show when={width() > boxWidth()}>
        <p class="exp-note pc-scroll-note" data-testid="pc-scroll-note">
          {props.columns.length} axes: scroll the plot sideways to see them all.
        </p>
      </Show>
    </>
  );
}

function sameIndices(a: Uint32Array | null, b: Uint32Array | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameIds(a: Set<string> | null, b: Set<string> | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.size !== b.size) return false;
  for (const id of a) if (!b.has(id)) return false;
  return true;
}

/** What the line colours mean: the colouring column, its lowest and highest value around the ramp. */
function ColorLegend(props: { scale: PcColorScale }) {
  const ends = () => {
    const s = props.scale;
    if (s.categories) return [s.categories[0] ?? '', s.categories[s.categories.length - 1] ?? ''];
    return Number.isFinite(s.min) ? [formatAxisValue(s.min), formatAxisValue(s.max)] : ['', ''];
  };
  const ramp = () => (chartTheme().dark ? RAMP_ON_DARK : RAMP).join(', ');
  return (
    <p class="pc-legend" data-testid="pc-legend">
      <span>Colour: {props.scale.label}</span>
      <span class="pc-legend-end">{ends()[0]}</span>
      <span class="pc-legend-ramp" style={`background: linear-gradient(to right, ${ramp()})`} />
      <span class="pc-legend-end">{ends()[1]}</span>
    </p>
  );
}
