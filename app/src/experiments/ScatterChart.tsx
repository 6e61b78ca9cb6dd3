/** A scatter of two columns coloured by a third, or (bars) a bar per run of one column, on canvas. */
import type { Run } from '@cairn/core/runs';
import { createEffect, For, Show } from 'solid-js';
import { buildAxis, COLOR_BINS, colorBins, RAMP } from './parallel-coords.ts';
import { type Column, cellValue, parseColumnId } from './run-columns.ts';

export function ScatterChart(props: {
  runs: Run[];
  columns: Column[];
  x: string | null;
  y: string | null;
  color: Column | null;
  bars?: boolean;
  onAxes: (x: string | null, y: string | null) => void;
}) {
  let canvas!: HTMLCanvasElement;
  createEffect(() => {
    const ctx = canvas.getContext('2d');
    const yc = props.y ? parseColumnId(props.y) : null;
    if (!ctx || !yc) return;
    const w = Math.max(300, canvas.clientWidth || 400);
    const h = 260;
    canvas.width = w;
    canvas.height = h;
    ctx.clearRect(0, 0, w, h);
    const n = props.runs.length;
    const bins = colorBins(props.color ? buildAxis(props.runs, props.color, 'last', false) : null, n);
    const ys = buildAxis(props.runs, yc, 'last', false);
    const pad = 24;
    if (props.bars) {
      const bw = (w - 2 * pad) / Math.max(1, n);
      props.runs.forEach((_, i) => {
        const p = ys.pos[i] as number;
        if (Number.isNaN(p)) return;
        ctx.fillStyle = RAMP[bins[i] ?? COLOR_BINS >> 1] as string;
        const bh = 10 + p * (h - 2 * pad - 10);
        ctx.fillRect(pad + i * bw, h - pad - bh, Math.max(1, bw - 1), bh);
      });
    } else {
      const xc = props.x ? parseColumnId(props.x) : null;
      if (!xc) return;
      const xs = buildAxis(props.runs, xc, 'last', false);
      for (let i = 0; i < n; i++) {
        const px = xs.pos[i] as number;
        const py = ys.pos[i] as number;
        if (Number.isNaN(px) || Number.isNaN(py)) continue;
        ctx.fillStyle = RAMP[bins[i] ?? 0] as string;
        ctx.fillRect(pad + px * (w - 2 * pad) - 2, h - pad - py * (h - 2 * pad) - 2, 4, 4);
      }
    }
    ctx.fillStyle = '#888';
    ctx.fillText(`${yc.key} ${ys.min.toPrecision(3)}…${ys.max.toPrecision(3)}`, 4, 12);
    void cellValue;
  });
  return (
    <div>
      <Show when={!props.bars}>
        <select value={props.x ?? ''} onChange={(e) => props.onAxes(e.currentTarget.value, props.y)}>
          <For each={props.columns}>{(c) => <option value={c.id}>{c.id}</option>}</For>
        </select>{' '}
        <select value={props.y ?? ''} onChange={(e) => props.onAxes(props.x, e.currentTarget.value)}>
          <For each={props.columns}>{(c) => <option value={c.id}>{c.id}</option>}</For>
        </select>
      </Show>
      <canvas
        ref={canvas}
        class="cmp-canvas"
        style="height:260px"
        data-testid={props.bars ? 'bar-chart' : 'scatter-chart'}
      />
    </div>
  );
}
