/**
 * The issue's big table diff: a CSV of 1,000,000 rows × 10 columns against a copy with 1 % of
 * rows changed (one cell each), as the commit page computes it — the two files' bytes transferred
 * to a worker thread running core's `indexTableDiff`, which posts the first 200 changed rows as
 * soon as it has them and then the counts. Reported: time to the first rows, total time, and the
 * main thread's longest gap between 10 ms ticks while the worker runs (the page's "frame gap").
 * Baseline in the same run: the fastest naive table diff — lines joined by their first field in a
 * Map, changed lines compared as whole strings (no CSV quoting, no per-cell result).
 * `DIFF_CSV_1M_OLD=1` adds the previous path (`diffTables`, every row parsed, about a minute);
 * `DIFF_DAFF_1M=1` adds daff on the same pair (minutes, several GB). Reports; never asserts on time.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { copyInSlices } from '../app/src/diff/copy-in-slices.ts';
import { type Measurement, measure, median, report } from './lib.ts';

const ROWS = 1_000_000;
const header = ['id', ...Array.from({ length: 9 }, (_, c) => `col${c}`)].join(',');
const rowA = (r: number) => `${r},${Array.from({ length: 9 }, (_, c) => (r * 7 + c) % 1000).join(',')}`;
const rowB = (r: number) => (r % 100 === 50 ? rowA(r).replace(/^(\d+),\d+/, '$1,changed') : rowA(r));
const build = (row: (r: number) => string) => {
  const parts = [header];
  for (let r = 0; r < ROWS; r++) parts.push(row(r));
  return parts.join('\n');
};
const csvA = build(rowA);
const csvB = build(rowB);
console.log(`CSV sizes: ${(csvA.length / 1e6).toFixed(1)} MB and ${(csvB.length / 1e6).toFixed(1)} MB`);

const naive = () => {
  const key = (line: string) => line.slice(0, line.indexOf(','));
  const a = new Map<string, string>();
  for (const line of csvA.split('\n')) a.set(key(line), line);
  let changed = 0;
  let added = 0;
  for (const line of csvB.split('\n')) {
    const old = a.get(key(line));
    if (old === undefined) added++;
    else if (old !== line) changed++;
    a.delete(key(line));
  }
  return { changed, added, removed: a.size };
};
const baseline = await measure('naive Map join of lines (main thread)', naive, { runs: 3 });

const workerUrl = new URL('./diff/worker.ts', import.meta.url).href;
const worker = new Worker(
  `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); });`,
  { eval: true },
);
const bytesA = new TextEncoder().encode(csvA);
const bytesB = new TextEncoder().encode(csvB);

/** Longest gap between 10 ms ticks on this (the page's) thread while `run` is pending. */
async function withGapTimer<T>(run: () => Promise<T>): Promise<{ value: T; gap: number }> {
  let gap = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 10);
  try {
    return { value: await run(), gap };
  } finally {
    clearInterval(tick);
  }
}

interface IndexDone {
  summary: Record<string, number>;
  key: string | null;
  first: number;
}
/** The app's path: bytes copied (in slices, as the page does) and transferred, first rows back before the end, then the counts. */
const indexed = async () => {
  const t0 = performance.now();
  const before = await copyInSlices(bytesA);
  const after = await copyInSlices(bytesB);
  return new Promise<{ firstMs: number; done: IndexDone }>((resolve) => {
    let firstMs = Number.NaN;
    const onMessage = (m: { head?: number; done?: boolean } & IndexDone) => {
      if (m.head !== undefined) firstMs = performance.now() - t0;
      if (!m.done) return;
      worker.off('message', onMessage);
      resolve({ firstMs: Number.isNaN(firstMs) ? performance.now() - t0 : firstMs, done: m });
    };
    worker.on('message', onMessage);
    worker.postMessage({ type: 'table-index', before, after }, [before, after]);
  });
};

const firsts: number[] = [];
const gaps: number[] = [];
let result: IndexDone | null = null;
const fast = await measure(
  'core indexTableDiff in a worker (bytes transferred, all counts)',
  async () => {
    // The naive baseline's garbage is this thread's, not the page's: collected before each run.
    (globalThis as { gc?: () => void }).gc?.();
    const { value, gap } = await withGapTimer(indexed);
    firsts.push(value.firstMs);
    gaps.push(gap);
    result = value.done;
  },
  { runs: 5 },
);
// The warm-up run's figures are not counted.
firsts.shift();
gaps.shift();
const first: Measurement = {
  name: 'first 200 changed rows in hand (same runs)',
  medianMs: median(firsts),
  runs: firsts,
};
const others = [first, fast];

if (process.env.DIFF_CSV_1M_OLD === '1') {
  // The previous path (every row parsed with papaparse, the whole TableDiff cloned back): about a minute a run.
  others.push(
    await measure(
      'core diffTables in a worker (strings posted, result back)',
      () =>
        new Promise((resolve) => {
          worker.once('message', resolve);
          worker.postMessage({ type: 'table', before: csvA, after: csvB });
        }),
      { runs: 1, warmup: 0 },
    ),
  );
}
await worker.terminate();
if (process.env.DIFF_DAFF_1M === '1') {
  interface Daff {
    TableView: new (rows: string[][]) => unknown;
    compareTables: (a: unknown, b: unknown) => { align(): unknown };
    CompareFlags: new () => unknown;
    TableDiff: new (alignment: unknown, flags: unknown) => { hilite(out: unknown): void };
  }
  const daff = createRequire(import.meta.url)('daff') as Daff;
  others.push(
    await measure(
      'daff (parse + align + highlight)',
      () => {
        const parse = (text: string) => text.split('\n').map((l) => l.split(','));
        const alignment = daff.compareTables(new daff.TableView(parse(csvA)), new daff.TableView(parse(csvB))).align();
        new daff.TableDiff(alignment, new daff.CompareFlags()).hilite(new daff.TableView([]));
      },
      { runs: 1, warmup: 0 },
    ),
  );
}
const r = result as unknown as IndexDone;
report('CSV 1,000,000 rows × 10 columns, 1 % rows changed', baseline, others, {
  result: `${JSON.stringify(r.summary)} by key ${r.key}`,
  'naive result': JSON.stringify(naive()),
  'longest main-thread gap while the worker ran (median of runs, 10 ms ticks)': `${median(gaps).toFixed(1)} ms (max ${Math.max(...gaps).toFixed(1)} ms)`,
});
