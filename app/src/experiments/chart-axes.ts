/**
 * Axis ticks for the compare page's charts: "nice" steps (1, 2, 5 × 10^k) and labels with as
 * many decimals as the step needs, so ticks 0.0025 apart never read `0.003, 0.003, 0.002`.
 */

export interface Ticks {
  values: number[];
  labels: string[];
  /** The axis range the ticks span (it covers the data). */
  min: number;
  max: number;
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** Tick label with the decimals `step` needs (exponent form for very large or small values). */
export function tickLabel(v: number, step: number): string {
  if (v === 0) return '0';
  const a = Math.abs(step);
  if (a >= 1e6 || a < 1e-5)
    return v.toExponential(Math.max(0, Math.floor(Math.log10(Math.abs(v))) - Math.floor(Math.log10(a))));
  const decimals = Math.max(0, -Math.floor(Math.log10(a) + 1e-9));
  return v.toFixed(decimals);
}

/** About `count` ticks covering [lo, hi]; a single value gets a small range around it. */
export function niceTicks(lo: number, hi: number, count = 5): Ticks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { values: [], labels: [], min: 0, max: 1 };
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, count);
  const min = Math.floor(lo / step + 1e-9) * step;
  const max = Math.ceil(hi / step - 1e-9) * step;
  const values: number[] = [];
  for (let v = min; v <= max + step / 2; v += step)
    values.push(Math.abs(v) < step / 1e6 ? 0 : Number(v.toPrecision(12)));
  return { values, labels: values.map((v) => tickLabel(v, step)), min, max };
}
