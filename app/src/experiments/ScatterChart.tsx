/**
 * A scatter of two columns, or (bars) a bar per run of one column, on canvas — with axes, tick
 * labels, axis titles, a title and run labels, in the page's theme. Each run has its own colour
 * (the same as in the metric history), distinct for many runs. The selects show the columns
 * plotted (each option knows whether it is the chosen one, so a redraw of the options never
 * leaves a select on its first option).
 */
import { createEffect, For, on, onCleanup, onMount, Show, untrack } from 'solid-js';
import { niceTicks, type Ticks } from './chart-axes.ts';
import { chartTheme, runColor } from './chart-theme.ts';
import type { PcColumnData } from './pc-columns.ts';
import { type Cell, type Column, formatCell, parseColumnId } from './run-columns.ts';

const HEIGHT = 300;

/** A column as a person reads it in a select or an axis title: `val_iou (metric)`. */
export function columnLabel(c: Column): string {
  return c.kind === 'attr' ? c.key.replace('_', ' ') : `${c.key} (${c.kind})`;
}

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const tail = Math.ceil((max - 1) / 2);
  return `${text.slice(0, max - 1 - tail)}…${text.slice(text.length - tail)}`;
}

interface Scale {
  /** Position 0…1 of a value, NaN when missing. */
  at: (v: Cell) => number;
  ticks: { at: number; label: string }[];
}

/** A numeric scale with nice ticks, or a categorical one when any value is text. */
function scaleOf(values: Cell[], zero: boolean): Scale {
  if (values.some((v) => typeof v === 'string')) {
    const cats = [...new Set(values.filter((v) => v !== null).map(String))].sort();
    const pos = (i: number) => (cats.length === 1 ? 0.5 : (i + 0.5) / cats.length);
    return {
      at: (v) => (v === null ? Number.NaN : pos(cats.indexOf(String(v)))),
      ticks: cats.map((c, i) => ({ at: pos(i), label: shorten(c, 14) })),
    };
  }
  const nums = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  let lo = Math.min(...nums);
  let hi = Math.max(...nums);
  if (zero) {
    lo = Math.min(0, lo);
    hi = Math.max(0, hi);
  }
  const t: Ticks = nums.length ? niceTicks(lo, hi, 5) : niceTicks(0, 1, 5);
  const span = t.max - t.min || 1;
  return {
    at: (v) => (typeof v === 'number' && Number.isFinite(v) ? (v - t.min) / span : Number.NaN),
    ticks: t.values.map((v, i) => ({ at: (v - t.min) / span, label: t.labels[i] as string })),
  };
}

/** A typed column's cells as the scales read them (null where a run has none). */
function cellsOf(c: PcColumnData | undefined, n: number): Cell[] {
  if (!c) return new Array<Cell>(n).fill(null);
  if (c.kind === 'numeric') return Array.from(c.values, (v) => (Number.isNaN(v) ? null : v));
  return Array.from(c.codes, (code) => (code < 0 ? null : (c.labels[code] as string)));
}

export function ScatterChart(props: {
  /** The runs' names, in the order of the columns read. */
  names: readonly string[];
  /** Reads the runs' cells of these columns (last values), one typed column each (the compare worker's). */
  read: (cols: Column[]) => Promise<PcColumnData[]>;
  columns: Column[];
  x: string | null;
  y: string | null;
  bars?: boolean;
  onAxes: (x: string | null, y: string | null) => void;
}) {
  let canvas!: HTMLCanvasElement;
  const yCol = () => (props.y ? parseColumnId(props.y) : null);
  const xCol = () => (!props.bars && props.x ? parseColumnId(props.x) : null);
  const title = () => {
    const y = yCol();
    const x = xCol();
    if (!y) return '';
    return props.bars ? `${y.key}: last value per run` : x ? `${y.key} against ${x.key}` : y.key;
  };
  type DrawTail = [readonly string[], Column | null, Column | null, boolean, Cell[], Cell[]];
  // What was drawn last and at which width: a resized box draws it again (no new read).
  let last: Parameters<typeof draw> | null = null;
  let drawnWidth = 0;
  const draw = (
    theme: ReturnType<typeof chartTheme>,
    names: readonly string[],
    yc: Column | null,
    xc: Column | null,
    bars: boolean,
    ys: Cell[],
    xs: Cell[],
  ) => {
    last = [theme, names, yc, xc, bars, ys, xs];
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const n = names.length;
    const dpr = globalThis.devicePixelRatio || 1;
    const w = Math.max(300, canvas.clientWidth || 400);
    drawnWidth = w;
    const h = HEIGHT;
    canvas.width = w * dpr;
    canvas.height = h * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = '12px system-ui, sans-serif';
    if (!yc || (!bars && !xc)) {
      ctx.fillStyle = theme.text;
      ctx.fillText('Choose what to plot.', 12, 24);
      return;
    }
    let longestName = 0;
    if (bars) for (const name of names) longestName = Math.max(longestName, name.length);
    const longest = bars ? Math.min(18, Math.max(4, longestName)) : 0;
    const m = { top: 16, right: 16, left: 48, bottom: bars ? 24 + longest * 5.2 : 28 };
    const iw = w - m.left - m.right;
    const ih = h - m.top - m.bottom;
    const yScale = scaleOf(ys, bars);
    const X = (p: number) => m.left + p * iw;
    const Y = (p: number) => m.top + (1 - p) * ih;

    // Grid, axes and tick labels.
    ctx.strokeStyle = theme.grid;
    ctx.lineWidth = 1;
    ctx.fillStyle = theme.muted;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of yScale.ticks) {
      ctx.beginPath();
      ctx.moveTo(m.left, Math.round(Y(t.at)) + 0.5);
      ctx.lineTo(w - m.right, Math.round(Y(t.at)) + 0.5);
      ctx.stroke();
      ctx.fillText(t.label, m.left - 6, Y(t.at));
    }
    ctx.beginPath();
    ctx.moveTo(m.left + 0.5, m.top);
    ctx.lineTo(m.left + 0.5, h - m.bottom + 0.5);
    ctx.lineTo(w - m.right, h - m.bottom + 0.5);
    ctx.stroke();

    // (The title and axis titles are text around the canvas, see below.)
    ctx.textBaseline = 'alphabetic';

    if (bars) {
      const slot = iw / Math.max(1, n);
      const zero = yScale.at(0);
      names.forEach((name, i) => {
        const p = yScale.at(ys[i] as Cell);
        const cx = m.left + (i + 0.5) * slot;
        if (!Number.isNaN(p)) {
          ctx.fillStyle = runColor(i, theme.dark);
          const top = Y(Math.max(p, zero));
          ctx.fillRect(cx - slot * 0.38, top, Math.max(1, slot * 0.76), Math.abs(Y(p) - Y(zero)));
          if (n <= 16) {
            ctx.fillStyle = theme.text;
            ctx.textAlign = 'center';
            const v = ys[i] as number;
            ctx.fillText(n > 6 ? String(Number(v.toPrecision(3))) : formatCell(v, yc), cx, top - 4);
          }
        }
        // The run's name under its bar (slanted), start and end kept.
        if (n <= 40) {
          ctx.save();
          ctx.fillStyle = theme.muted;
          ctx.translate(cx, h - m.bottom + 12);
          ctx.rotate(-Math.PI / 5);
          ctx.textAlign = 'right';
          ctx.fillText(shorten(name, 18), 0, 0);
          ctx.restore();
        }
      });
      canvas.dataset.plotted = `bars:${yc.id}`;
      return;
    }

    const xScale = scaleOf(xs, false);
    ctx.fillStyle = theme.muted;
    ctx.textAlign = 'center';
    for (const t of xScale.ticks) ctx.fillText(t.label, X(t.at), h - m.bottom + 16);
    const label = n <= 12;
    ctx.textAlign = 'left';
    for (let i = 0; i < n; i++) {
      const px = xScale.at(xs[i] as Cell);
      const py = yScale.at(ys[i] as Cell);
      if (Number.isNaN(px) || Number.isNaN(py)) continue;
      ctx.fillStyle = runColor(i, theme.dark);
      ctx.beginPath();
      ctx.arc(X(px), Y(py), 4.5, 0, Math.PI * 2);
      ctx.fill();
      if (label) {
        // Labels of points in the right half go to their left, so none leaves the chart.
        const right = px > 0.5;
        ctx.fillStyle = theme.text;
        ctx.textAlign = right ? 'right' : 'left';
        ctx.fillText(shorten(names[i] as string, 22), X(px) + (right ? -7 : 7), Y(py) - 6);
      }
    }
    canvas.dataset.plotted = `scatter:${(xc as Column).id}:${yc.id}`;
  };
  // A narrower or wider box (a window resized, a phone turned) is drawn again at its width: the
  // canvas is stretched to the box by CSS, which would squeeze the text and the points.
  onMount(() => {
    const resize = new ResizeObserver((entries) => {
      const w = Math.max(300, Math.round(entries.at(-1)?.contentRect.width ?? 0));
      if (last && drawnWidth && w !== drawnWidth) draw(...last);
    });
    resize.observe(canvas);
    onCleanup(() => resize.disconnect());
  });
  // The cells are read first (from the worker), then drawn; a newer choice drops an older read.
  let latest = 0;
  onCleanup(() => {
    latest = -1;
  });
  createEffect(() => {
    const theme = untrack(chartTheme);
    const yc = props.y ? parseColumnId(props.y) : null;
    const xc = !props.bars && props.x ? parseColumnId(props.x) : null;
    const names = props.names;
    const bars = !!props.bars;
    const ask = ++latest;
    if (!yc || (!bars && !xc)) {
      draw(theme, names, yc, xc, bars, [], []);
      return;
    }
    void props.read(xc ? [yc, xc] : [yc]).then((read) => {
      if (ask !== latest) return;
      draw(
        untrack(chartTheme),
        names,
        yc,
        xc,
        bars,
        cellsOf(read[0], names.length),
        xc ? cellsOf(read[1], names.length) : [],
      );
    });
  });
  // A theme switch redraws the cells already read, in the new colours (nothing is read again).
  createEffect(
    on(
      chartTheme,
      (theme) => {
        if (last) draw(theme, ...(last.slice(1) as DrawTail));
      },
      { defer: true },
    ),
  );
  return (
    <div>
      <Show when={!props.bars}>
        <div class="cmp-controls">
          <label>
            x{' '}
            <select data-testid="scatter-x" onChange={(e) => props.onAxes(e.currentTarget.value, props.y)}>
              <For each={props.columns}>
                {(c) => (
                  <option value={c.id} selected={c.id === props.x}>
                    {columnLabel(c)}
                  </option>
                )}
              </For>
            </select>
          </label>
          <label>
            y{' '}
            <select data-testid="scatter-y" onChange={(e) => props.onAxes(props.x, e.currentTarget.value)}>
              <For each={props.columns}>
                {(c) => (
                  <option value={c.id} selected={c.id === props.y}>
                    {columnLabel(c)}
                  </option>
                )}
              </For>
            </select>
          </label>
        </div>
      </Show>
      <figure class="cmp-chart" data-testid={props.bars ? 'bar-figure' : 'scatter-figure'}>
        <figcaption class="cmp-chart-title" data-testid="chart-title">
          {title()}
        </figcaption>
        <div class="cmp-chart-body">
          <span class="cmp-axis-y" data-testid="axis-y">
            {yCol() ? columnLabel(yCol() as Column) : ''}
          </span>
          <canvas
            ref={canvas}
            class="cmp-canvas"
            style={`height:${HEIGHT}px`}
            data-testid={props.bars ? 'bar-chart' : 'scatter-chart'}
            role="img"
            aria-label={title()}
          />
        </div>
        <Show when={!props.bars && xCol()}>
          <span class="cmp-axis-x" data-testid="axis-x">
            {columnLabel(xCol() as Column)}
          </span>
        </Show>
      </figure>
    </div>
  );
}
