/** The parallel-coordinates plot on a canvas, with brushing (drag along an axis; double-click clears). */
import type { Run } from '@cairn/core/runs/index';
import { createEffect, createMemo, createSignal, onCleanup } from 'solid-js';
import { type Brush, brushMask, buildAxis, colorBins, drawParallel, type PcLayout } from './parallel-coords.ts';
import type { Column, MetricSummaryKind } from './run-columns.ts';

export function ParallelCoordinates(props: {
  runs: Run[];
  columns: Column[];
  summary: MetricSummaryKind;
  logAxes: string[];
  colorBy: Column | null;
}) {
  let canvas!: HTMLCanvasElement;
  const [brushes, setBrushes] = createSignal<Brush[]>([]);
  const [width, setWidth] = createSignal(800);
  const height = 360;
  const layout = (): PcLayout => ({ width: width(), height, top: 34, bottom: 20, left: 40, right: 40 });
  const axes = createMemo(() =>
    props.columns.map((c) => buildAxis(props.runs, c, props.summary, props.logAxes.includes(c.id))),
  );
  const colorAxis = createMemo(() =>
    props.colorBy ? buildAxis(props.runs, props.colorBy, props.summary, false) : null,
  );
  createEffect(() => {
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const dpr = globalThis.devicePixelRatio || 1;
    canvas.width = width() * dpr;
    canvas.height = height * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const n = props.runs.length;
    drawParallel(ctx, layout(), axes(), brushMask(axes(), brushes(), n), colorBins(colorAxis(), n), brushes());
  });
  const resize = new ResizeObserver(() => setWidth(Math.max(320, canvas.clientWidth)));
  queueMicrotask(() => resize.observe(canvas));
  onCleanup(() => resize.disconnect());
  let drag: { axis: string; y0: number } | null = null;
  const posAt = (y: number) => {
    const l = layout();
    return Math.min(1, Math.max(0, 1 - (y - l.top) / (l.height - l.top - l.bottom)));
  };
  return (
    <canvas
      ref={canvas}
      class="cmp-canvas"
      data-testid="parallel-coordinates"
      style={`height:${height}px`}
      onPointerDown={(e) => {
        const r = canvas.getBoundingClientRect();
        const x = e.clientX - r.left;
        const count = axes().length;
        const l = layout();
        const inner = l.width - l.left - l.right;
        const i = count <= 1 ? 0 : Math.round(((x - l.left) / inner) * (count - 1));
        const axis = axes()[i];
        if (axis) drag = { axis: axis.col.id, y0: e.clientY - r.top };
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
  );
}
