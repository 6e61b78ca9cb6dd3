/**
 * Parallel coordinates of many runs as a density picture, rasterised here instead of stroked
 * by the canvas: 100,000 polylines × 7 segments overlap hundreds deep on every pixel, where
 * canvas paths (anti-aliased, alpha-composited, 2.9 s for one stroke in Chromium) only paint a
 * solid block. Each segment is stepped one pixel at a time (fixed-point DDA) into a per-pixel
 * count and sum of colour bins; a pixel then shows the mean colour of the lines through it,
 * more opaque where more lines pass (log scale, so a lone outlier still shows). Runs outside
 * the brushes go to a second count, drawn grey underneath. Pure: arrays in, RGBA out.
 */
/** A pixel's kept-lines value: count in the low part, sum of the lines' colour bins above it. */
const BIN_UNIT = 1_048_576;
/** Fixed point: 16 fractional bits. */
const ONE = 65_536;

export interface DensityInput {
  /** Each axis's run positions, 0 (bottom) … 1 (top), NaN for a missing value. */
  pos: readonly Float32Array[];
  /** Each axis's x, in pixels of the picture. */
  xs: readonly number[];
  /** y of position 0 and of position 1, and of the "missing" mark, in pixels. */
  y0: number;
  y1: number;
  yMissing: number;
  width: number;
  height: number;
  /** 1 for runs inside every brush. */
  mask: Uint8Array;
  /** Colour bin of each run: an index into the ramp shadeDensity is given. */
  bins: Uint8Array;
}

export interface DensityCounts {
  width: number;
  height: number;
  kept: Float64Array;
  /** Runs outside the brushes; null when every run is inside. */
  out: Float64Array | null;
}

/**
 * Counts every run's polyline into pixels. Between two axes a line is fixed by the pixel rows
 * of its two ends, so the runs of a gap are first summed per pair of rows (their weights add)
 * and each pair is drawn once: at most height² lines a gap whatever the run count, far fewer
 * where values repeat (a categorical axis, a grid of hyperparameters).
 */
export function rasterLines(input: DensityInput): DensityCounts {
  const { pos, xs, width, height, mask, bins } = input;
  const n = mask.length;
  const kept = new Float64Array(width * height);
  let anyOut = false;
  for (let i = 0; i < n; i++)
    if (!mask[i]) {
      anyOut = true;
      break;
    }
  const out = anyOut ? new Float64Array(width * height) : null;
  if (pos.length < 2) return { width, height, kept, out };
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) weight[i] = mask[i] ? 1 + (bins[i] as number) * BIN_UNIT : 1;
  const rowsOf = (p: Float32Array, into: Int32Array) => {
    const span = input.y0 - input.y1;
    const missing = Math.min(height - 1, Math.max(0, Math.floor(input.yMissing)));
    for (let i = 0; i < n; i++) {
      const v = p[i] as number;
      const y = Math.floor(input.y0 - v * span);
      into[i] = Number.isNaN(v) ? missing : y < 0 ? 0 : y >= height ? height - 1 : y;
    }
  };
  let prev = new Int32Array(n);
  let cur = new Int32Array(n);
  rowsOf(pos[0] as Float32Array, prev);
  const pairsKept = new Float64Array(height * height);
  const pairsOut = anyOut ? new Float64Array(height * height) : null;
  for (let a = 0; a + 1 < pos.length; a++) {
    rowsOf(pos[a + 1] as Float32Array, cur);
    const x0 = Math.max(0, Math.min(width - 1, Math.round(xs[a] as number)));
    const lastGap = a + 2 === pos.length;
    // The last segment includes its end column; the others leave it to the next one.
    const x1 = Math.max(x0, Math.min(width - 1, Math.round(xs[a + 1] as number))) + (lastGap ? 1 : 0);
    if (x1 > x0) {
      pairsKept.fill(0);
      pairsOut?.fill(0);
      for (let i = 0; i < n; i++) {
        const pair = (prev[i] as number) * height + (cur[i] as number);
        const pairs = mask[i] ? pairsKept : (pairsOut as Float64Array);
        pairs[pair] = (pairs[pair] as number) + (weight[i] as number);
      }
      for (const [pairs, acc] of [
        [pairsKept, kept],
        [pairsOut, out],
      ] as const) {
        if (!pairs || !acc) continue;
        for (let pair = 0; pair < pairs.length; pair++) {
          const w = pairs[pair] as number;
          if (w !== 0) segment(acc, width, x0, x1, Math.floor(pair / height), pair % height, w, lastGap);
        }
      }
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  return { width, height, kept, out };
}

/** Adds `w` along one segment from row `r0` at column `x0` to row `r1` at `x1` (fixed-point DDA). */
function segment(
  acc: Float64Array,
  width: number,
  x0: number,
  x1: number,
  r0: number,
  r1: number,
  w: number,
  lastGap: boolean,
): void {
  const dx = x1 - x0;
  const dy = r1 - r0;
  if (Math.abs(dy) <= dx) {
    // Mostly horizontal: one pixel per column.
    const step = Math.trunc((dy * ONE) / dx);
    let y = r0 * ONE + ONE / 2;
    for (let x = x0; x < x1; x++) {
      const k = (y >> 16) * width + x;
      acc[k] = (acc[k] as number) + w;
      y += step;
    }
    return;
  }
  // Steep: one pixel per row, so the line has no gaps.
  const rowStep = dy > 0 ? width : -width;
  const xStep = Math.trunc((dx * ONE) / Math.abs(dy));
  let x = x0 * ONE + ONE / 2;
  const end = r1 * width;
  for (let k = r0 * width; k !== end; k += rowStep) {
    const at = k + (x >> 16);
    acc[at] = (acc[at] as number) + w;
    x += xStep;
  }
  if (lastGap) {
    // The end row, which a middle segment leaves to the next one.
    const at = end + x1 - 1;
    acc[at] = (acc[at] as number) + w;
  }
}

/** The count of lines at or under which `share` of the inked pixels lie (the log scale's top). */
function countAt(acc: Float64Array, unit: number, share: number): number {
  const CAP = 4096;
  const hist = new Uint32Array(CAP + 1);
  let inked = 0;
  for (let k = 0; k < acc.length; k++) {
    const v = acc[k] as number;
    if (v === 0) continue;
    const c = unit ? v % unit : v;
    const bin = Math.min(CAP, c);
    hist[bin] = (hist[bin] as number) + 1;
    inked++;
  }
  let seen = 0;
  for (let c = 1; c <= CAP; c++) {
    seen += hist[c] as number;
    if (seen >= inked * share) return c;
  }
  return CAP;
}

export type Rgb = readonly [number, number, number];

/**
 * The picture: each kept pixel in the ramp's colour at the mean bin of its lines (`ramp`: one
 * colour per bin, interpolated between), alpha from its count on a log scale topped at the
 * 99th percentile; runs outside the brushes in `grey`, faint, where no kept line passes.
 */
export function shadeDensity(counts: DensityCounts, ramp: readonly Rgb[], grey: Rgb): Uint8ClampedArray<ArrayBuffer> {
  const { kept, out } = counts;
  const pixels = new Uint8ClampedArray(kept.length * 4);
  const px = new Uint32Array(pixels.buffer);
  // 256 colours along the ramp, for the mean bin of a pixel.
  const lut = new Uint32Array(256);
  for (let j = 0; j < 256; j++) {
    const t = (j / 255) * (ramp.length - 1);
    const a = ramp[Math.floor(t)] as Rgb;
    const b = ramp[Math.min(ramp.length - 1, Math.floor(t) + 1)] as Rgb;
    const f = t - Math.floor(t);
    const c = [0, 1, 2].map((k) => Math.round((a[k] as number) + ((b[k] as number) - (a[k] as number)) * f));
    lut[j] = ((c[2] as number) << 16) | ((c[1] as number) << 8) | (c[0] as number);
  }
  const keptTop = Math.log1p(countAt(kept, BIN_UNIT, 0.99));
  const outTop = out ? Math.log1p(countAt(out, 0, 0.99)) : 1;
  const greyRgb = (grey[2] << 16) | (grey[1] << 8) | grey[0];
  // Bins are numbered as the ramp's colours.
  const toBin = 255 / Math.max(1, ramp.length - 1);
  for (let k = 0; k < kept.length; k++) {
    const v = kept[k] as number;
    if (v !== 0) {
      const count = v % BIN_UNIT;
      const meanBin = (v - count) / BIN_UNIT / count;
      const alpha = 0.3 + 0.7 * Math.min(1, Math.log1p(count) / keptTop);
      px[k] = (((alpha * 255) | 0) << 24) | (lut[Math.round(meanBin * toBin)] as number);
      continue;
    }
    const o = out ? (out[k] as number) : 0;
    if (o !== 0) {
      const alpha = 0.1 + 0.25 * Math.min(1, Math.log1p(o) / outTop);
      px[k] = (((alpha * 255) | 0) << 24) | greyRgb;
    }
  }
  return pixels;
}
