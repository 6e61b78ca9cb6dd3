/**
 * One typed array where a block's metric columns hold equal ones. A metric column has seven
 * Float64Arrays per block (value and six summary fields), but most of them repeat: a metric's
 * `last` is its value, a metric logged once has min = max = last, and metrics logged together
 * (MLflow's log_metrics gives a batch one timestamp and step) have the same step, timestamp and
 * count arrays column after column. At 100,000 runs × 50 metrics each array is 800 KB, so
 * seven of them per column are ~280 MB a tab must hold; shared, a typical block keeps about
 * three per column. Equal means equal bits (so -0, NaN payloads and unused zeros stay exact):
 * a decoded run is the run encoded. Structured clone (postMessage, IndexedDB) keeps a shared
 * array shared, so stored snapshots and feed pages shrink the same way. Pure: no I/O.
 */
import type { MetricColumn } from './run-block.ts';

const SUMMARY_FIELDS = ['last', 'min', 'max', 'step', 'timestamp', 'count'] as const;

function bitsEqual(a: Float64Array, b: Float64Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  const x = new Int32Array(a.buffer, a.byteOffset, a.length * 2);
  const y = new Int32Array(b.buffer, b.byteOffset, b.length * 2);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** A cheap fingerprint of an array's bits (first, middle and last values), to find candidates. */
function fingerprint(a: Float64Array): string {
  const n = a.length;
  if (n === 0) return '';
  const bits = new Int32Array(a.buffer, a.byteOffset, n * 2);
  const m = n >>> 1;
  return `${bits[0]},${bits[1]},${bits[2 * m]},${bits[2 * m + 1]},${bits[2 * n - 2]},${bits[2 * n - 1]}`;
}

/**
 * Makes equal Float64Arrays of `columns` one array (in place; returns how many were dropped):
 * each summary field is compared with its own column's value (and last), then with every
 * array kept so far in the block.
 */
export function shareEqualArrays(columns: MetricColumn[]): number {
  const pool = new Map<string, Float64Array[]>();
  const pooled = (a: Float64Array): Float64Array => {
    const key = fingerprint(a);
    const same = pool.get(key);
    const hit = same?.find((b) => bitsEqual(a, b));
    if (hit) return hit;
    if (same) same.push(a);
    else pool.set(key, [a]);
    return a;
  };
  let dropped = 0;
  for (const c of columns) {
    c.value = pooled(c.value);
    for (const field of SUMMARY_FIELDS) {
      const a = c[field];
      let shared = a;
      if (bitsEqual(a, c.value)) shared = c.value;
      else if (field !== 'last' && bitsEqual(a, c.last)) shared = c.last;
      else shared = pooled(a);
      if (shared !== a) {
        c[field] = shared;
        dropped++;
      }
    }
  }
  return dropped;
}
