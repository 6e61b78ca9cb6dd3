/**
 * Parallel coordinates on a canvas: one vertical axis per column (numeric, log, or categorical
 * for text params), one polyline per run. Lines are drawn in colour batches — one path per
 * colour bin — so 10,000 runs are 17 strokes, not 10,000. Brushing keeps a value range per
 * axis; runs outside any brush are drawn faint underneath. A run that lacks a value on an axis
 * passes through that axis's "missing" mark below it (as HiPlot and W&B draw it), so every run
 * is a whole line. Pure (no DOM): the plot's worker
 * (parallel-coords.worker.ts) runs it on an OffscreenCanvas, from cell values the page reads.
 */
import type { Run } from '@cairn/core/runs';
import { columnOfCells, type PcColumnData } from './pc-columns.ts';
import { type Rgb, rasterLines, shadeDensity } from './pc-density.ts';
import { type Cell, type Column, cellValue, type MetricSummaryKind } from './run-columns.ts';

export interface PcAxis {
  col: Column;
  log: boolean;
  /** Position of each run on the axis, 0 (bottom) … 1 (top); NaN when the run lacks the value. */
  pos: Float32Array;
  /** Categorical axes: the labels, bottom to top. Numeric axes: null. */
  categories: string[] | null;
  min: number;
  max: number;
}

export interface Brush {
  axis: string;
  /** Positions 0…1 (lo < hi). */
  lo: number;
  hi: number;
}

export const COLOR_BINS = 16;

/** A perceptually ordered ramp (viridis stops), COLOR_BINS colours. */
export const RAMP: string[] = Array.from({ length: COLOR_BINS }, (_, i) => {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const t = (i / (COLOR_BINS - 1)) * (stops.length - 1);
  const a = stops[Math.floor(t)] as number[];
  const b = stops[Math.min(stops.length - 1, Math.floor(t) + 1)] as number[];
  const f = t - Math.floor(t);
  const c = a.map((v, k) => Math.round(v + ((b[k] as number) - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
});

/** The ramp on a dark background: each colour lifted toward white so none sinks into it. */
export const RAMP_ON_DARK: string[] = RAMP.map((c) => {
  const [r, g, b] = (c.match(/\d+/g) ?? []).map(Number) as [number, number, number];
  const lift = (v: number) => Math.round(v + (255 - v) * 0.35);
  return `rgb(${lift(r)},${lift(g)},${lift(b)})`;
});

/** True for a light colour (`rgb(…)` or `#rrggbb`): text on a dark background. */
export function isLightColor(color: string): boolean {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  const [r, g, b] = hex
    ? hex.slice(1).map((h) => Number.parseInt(h, 16))
    : ((color.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).map(Number) as number[]);
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0) > 140;
}

/** Where the "missing" mark sits: below the axis's minimum and its label. */
export function missingY(layout: PcLayout): number {
  return layout.height - layout.bottom + 28;
}

export function buildAxis(runs: readonly Run[], col: Column, summary: MetricSummaryKind, log: boolean): PcAxis {
  return axisOfValues(col, cellValues(runs, col, summary), log);
}

/** Each run's cell in one column (what the page sends the plot's worker). */
export function cellValues(runs: readonly Run[], col: Column, summary: MetricSummaryKind): Cell[] {
  const out: Cell[] = new Array(runs.length);
  for (let i = 0; i < runs.length; i++) out[i] = cellValue(runs[i] as Run, col, summary);
  return out;
}

/**
 * An axis from one column's cells: categorical when any cell is text, else numeric; a log axis
 * only when every finite value is positive (otherwise it stays linear).
 */
export function axisOfValues(col: Column, raw: readonly Cell[], log: boolean): PcAxis {
  return axisOfColumn(columnOfCells(col, raw, log));
}

/** An axis from a typed column (what the plot's worker receives; see pc-columns.ts). */
export function axisOfColumn(data: PcColumnData): PcAxis {
  const { col } = data;
  if (data.kind === 'text') {
    const n = data.codes.length;
    const pos = new Float32Array(n);
    const categories = [...data.labels].sort();
    const rank = new Map(categories.map((c, i) => [c, i]));
    const last = categories.length - 1;
    // Position of each code: its label's place among the sorted labels.
    const at = new Float32Array(data.labels.length);
    data.labels.forEach((label, code) => {
      at[code] = last === 0 ? 0.5 : (rank.get(label) as number) / last;
    });
    for (let i = 0; i < n; i++) {
      const code = data.codes[i] as number;
      pos[i] = code < 0 ? Number.NaN : (at[code] as number);
    }
    return { col, log: false, pos, categories, min: 0, max: last };
  }
  const values = data.values;
  const n = values.length;
  const pos = new Float32Array(n);
  let useLog = data.log;
  for (let i = 0; i < n && useLog; i++) if ((values[i] as number) <= 0) useLog = false;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue; // missing
    const t = useLog ? Math.log10(v) : v;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const span = max - min;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) pos[i] = Number.NaN;
    else pos[i] = span > 0 ? ((useLog ? Math.log10(v) : v) - min) / span : 0.5;
  }
  return {
    col,
    log: useLog,
    pos,
    categories: null,
    min: useLog ? 10 ** min : min,
    max: useLog ? 10 ** max : max,
  };
}

/** 1 for runs inside every brush, 0 otherwise. */
export function brushMask(axes: readonly PcAxis[], brushes: readonly Brush[], n: number): Uint8Array {
  const mask = new Uint8Array(n).fill(1);
  for (const b of brushes) {
    const axis = axes.find((a) => a.col.id === b.axis);
    if (!axis) continue;
    for (let i = 0; i < n; i++) {
      const p = axis.pos[i] as number;
      if (!(p >= b.lo && p <= b.hi)) mask[i] = 0;
    }
  }
  return mask;
}

/** Indices of the runs inside every brush, or null when nothing is brushed. */
export function brushedIndices(mask: Uint8Array, brushes: readonly Brush[]): Uint32Array | null {
  if (brushes.length === 0) return null;
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i] as number;
  const out = new Uint32Array(count);
  let k = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) out[k++] = i;
  return out;
}

/** Colour bin of each run from a colouring axis (its position), or the middle bin. */
export function colorBins(colorAxis: PcAxis | null, n: number): Uint8Array {
  const bins = new Uint8Array(n).fill(COLOR_BINS >> 1);
  if (!colorAxis) return bins;
  for (let i = 0; i < n; i++) {
    const p = colorAxis.pos[i] as number;
    bins[i] = Number.isNaN(p) ? 0 : Math.min(COLOR_BINS - 1, Math.floor(p * COLOR_BINS));
  }
  return bins;
}

export interface PcLayout {
  width: number;
  height: number;
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * The narrowest room per axis: an axis name of about 13 characters (`learning_rate`) and its min/max fit between
 * two axes. With more axes than the box holds at this spacing, the plot gets wider and its box
 * scrolls sideways (labels stay readable on a phone instead of running into each other).
 */
export const MIN_AXIS_GAP = 84;

/** The plot's width: the box's, or wider when `axisCount` axes would be closer than MIN_AXIS_GAP. */
export function plotWidth(boxWidth: number, axisCount: number, left: number, right: number): number {
  return Math.max(boxWidth, left + right + Math.max(0, axisCount - 1) * MIN_AXIS_GAP);
}

/** `text` cut with an ellipsis to at most `maxWidth` px as `ctx` draws it. */
export function fitText(ctx: Pick<Ctx2D, 'measureText'>, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let lo = 0;
  let hi = text.length;
  // The longest prefix that fits with its ellipsis (binary search: labels are short, but many).
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

export function axisX(layout: PcLayout, i: number, count: number): number {
  const inner = layout.width - layout.left - layout.right;
  return layout.left + (count <= 1 ? inner / 2 : (inner * i) / (count - 1));
}

export function posToY(layout: PcLayout, p: number): number {
  return layout.top + (1 - p) * (layout.height - layout.top - layout.bottom);
}

/** What the plot's colours mean: the colouring column's range (or its categories, bottom to top). */
export interface PcColorScale {
  label: string;
  min: number;
  max: number;
  log: boolean;
  categories: string[] | null;
}

export function colorScaleOf(axis: PcAxis | null): PcColorScale | null {
  if (!axis) return null;
  return { label: axis.col.key, min: axis.min, max: axis.max, log: axis.log, categories: axis.categories };
}

/** An axis value as the plot labels it (4 significant digits, exponent for very small or large). */
export function formatAxisValue(v: number): string {
  return fmt(v);
}

function fmt(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

export type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/**
 * Draws the whole plot. `highlight` (a run index) is drawn last, thick. `textColor` is given
 * by the page (a worker cannot read CSS); by default it is read from the canvas's style.
 */
export function drawParallel(
  ctx: Ctx2D,
  layout: PcLayout,
  axes: readonly PcAxis[],
  mask: Uint8Array,
  bins: Uint8Array,
  brushes: readonly Brush[],
  highlight: number | null = null,
  textColor: string = getTextColor(ctx),
  /** auto: a density picture past DENSE_RUNS runs; paths: always stroked (the bench's "before"). */
  lines: 'auto' | 'paths' = 'auto',
): void {
  const n = mask.length;
  const count = axes.length;
  ctx.clearRect(0, 0, layout.width, layout.height);
  const xs = axes.map((_, i) => axisX(layout, i, count));
  const ramp = isLightColor(textColor) ? RAMP_ON_DARK : RAMP;
  const missing = missingY(layout);
  const hasMissing = axes.map((axis) => axis.pos.some((p) => Number.isNaN(p)));
  const trace = (i: number) => {
    for (let a = 0; a < count; a++) {
      const p = (axes[a] as PcAxis).pos[i] as number;
      const y = Number.isNaN(p) ? missing : posToY(layout, p);
      if (a > 0) ctx.lineTo(xs[a] as number, y);
      else ctx.moveTo(xs[a] as number, y);
    }
  };
  if (lines === 'auto' && n > DENSE_RUNS && typeof OffscreenCanvas !== 'undefined') {
    drawDensity(ctx, layout, axes, xs, mask, bins, ramp);
  } else {
    // Brushed-out runs: one faint path underneath.
    ctx.lineWidth = 1;
    ctx.globalAlpha = 0.15;
    ctx.strokeStyle = GREY;
    ctx.beginPath();
    for (let i = 0; i < n; i++) if (!mask[i]) trace(i);
    ctx.stroke();
    // Kept runs: one path per colour bin.
    ctx.globalAlpha = n > 2000 ? 0.35 : 0.8;
    for (let bin = 0; bin < COLOR_BINS; bin++) {
      ctx.strokeStyle = ramp[bin] as string;
      ctx.beginPath();
      for (let i = 0; i < n; i++) if (mask[i] && bins[i] === bin) trace(i);
      ctx.stroke();
    }
  }
  ctx.globalAlpha = 1;
  if (highlight !== null && highlight < n) {
    ctx.lineWidth = 3;
    ctx.strokeStyle = '#e4572e';
    ctx.beginPath();
    trace(highlight);
    ctx.stroke();
  }
  // Axes, labels, ranges and brushes on top.
  ctx.lineWidth = 1;
  ctx.strokeStyle = textColor;
  ctx.fillStyle = textColor;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  // Each axis's texts get the room between it and its neighbours (and the margins at the ends).
  const room = (a: number) => {
    const x = xs[a] as number;
    const gap = count <= 1 ? layout.width : Math.abs((xs[1] as number) - (xs[0] as number));
    return Math.max(24, Math.min(gap - 8, 2 * x - 4, 2 * (layout.width - x) - 4, 180));
  };
  axes.forEach((axis, a) => {
    const x = xs[a] as number;
    ctx.globalAlpha = 0.7;
    ctx.beginPath();
    ctx.moveTo(x, posToY(layout, 0));
    ctx.lineTo(x, posToY(layout, 1));
    ctx.stroke();
    ctx.globalAlpha = 1;
    if (hasMissing[a]) {
      ctx.fillRect(x - 4, missing - 1, 8, 2);
      ctx.fillText('missing', x, missing + 12);
    }
    const label = `${axis.col.key}${axis.log ? ' (log)' : ''}`;
    ctx.fillText(fitText(ctx, label, room(a)), x, layout.top - 18);
    if (axis.categories) {
      axis.categories.forEach((c, k) => {
        const p = axis.categories!.length === 1 ? 0.5 : k / (axis.categories!.length - 1);
        if (axis.categories!.length > 12) return;
        // A category's label sits where its runs' lines meet: a halo of the background keeps it readable.
        const text = fitText(ctx, c, room(a));
        const y = posToY(layout, p) - 3;
        ctx.save();
        ctx.strokeStyle = isLightColor(textColor) ? 'rgba(0, 0, 0, 0.8)' : 'rgba(255, 255, 255, 0.85)';
        ctx.lineWidth = 3;
        ctx.lineJoin = 'round';
        ctx.strokeText(text, x, y);
        ctx.restore();
        ctx.fillText(text, x, y);
      });
    } else if (Number.isFinite(axis.min)) {
      ctx.fillText(fitText(ctx, fmt(axis.max), room(a)), x, layout.top - 5);
      ctx.fillText(fitText(ctx, fmt(axis.min), room(a)), x, layout.height - layout.bottom + 13);
    }
    for (const b of brushes) {
      if (b.axis !== axis.col.id) continue;
      ctx.fillStyle = 'rgba(228, 87, 46, 0.25)';
      const y1 = posToY(layout, b.hi);
      ctx.fillRect(x - 7, y1, 14, posToY(layout, b.lo) - y1);
      ctx.fillStyle = textColor;
    }
  });
}

/** Runs outside the brushes. */
const GREY = '#9aa4b2';

/**
 * Past this many runs the lines are a density picture (pc-density.ts): stroked paths of that
 * many overlapping lines take seconds and only paint a solid block.
 */
export const DENSE_RUNS = 5000;

const rgbOf = (color: string): Rgb => {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  const c = hex ? hex.slice(1).map((h) => Number.parseInt(h, 16)) : (color.match(/\d+/g) ?? []).map(Number);
  return [c[0] ?? 0, c[1] ?? 0, c[2] ?? 0];
};

/** The lines of many runs: rasterised at CSS pixels, drawn scaled to the canvas's. */
function drawDensity(
  ctx: Ctx2D,
  layout: PcLayout,
  axes: readonly PcAxis[],
  xs: readonly number[],
  mask: Uint8Array,
  bins: Uint8Array,
  ramp: readonly string[],
): void {
  const width = Math.max(1, Math.round(layout.width));
  const height = Math.max(1, Math.round(layout.height));
  const counts = rasterLines({
    pos: axes.map((a) => a.pos),
    xs,
    y0: posToY(layout, 0),
    y1: posToY(layout, 1),
    yMissing: missingY(layout),
    width,
    height,
    mask,
    bins,
  });
  const pixels = shadeDensity(counts, ramp.map(rgbOf), rgbOf(GREY));
  const picture = new OffscreenCanvas(width, height);
  picture.getContext('2d')?.putImageData(new ImageData(pixels, width, height), 0, 0);
  ctx.drawImage(picture, 0, 0, width, height);
}

function getTextColor(ctx: Ctx2D): string {
  const el = ctx.canvas as HTMLCanvasElement | OffscreenCanvas;
  if (typeof getComputedStyle === 'function' && 'isConnected' in el && el.isConnected) {
    return getComputedStyle(el).color || '#222';
  }
  return '#222';
}
