/**
 * The big table diff: a CSV of 1,000,000 rows × 10 columns against a copy with 1 % of
 * rows changed (one cell each), as the commit page computes it — core's `diffTables` in a worker
 * thread, the result structured-cloned back (what the page waits for before drawing the first
 * rows; the diff is not streamed). While it runs, the main thread's longest gap between 10 ms
 * ticks is recorded (the page's "frame gap"). Baseline in the same run: the fastest naive table
 * diff — lines joined by their first field in a Map, changed lines compared as whole strings
 * (no CSV quoting, no per-cell result). `DIFF_DAFF_1M=1` adds daff on the same pair (minutes,
 * several GB). Reports; never asserts on time.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { measure, report } from './lib.ts';

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
let maxGap = 0;
const inWorker = () =>
  new Promise<{ summary: Record<string, number>; key: string | null }>((resolve) => {
    let last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 10);
    worker.once('message', (result) => {
      clearInterval(tick);
      resolve(result);
    });
    worker.postMessage({ type: 'table', before: csvA, after: csvB });
  });
let result: Awaited<ReturnType<typeof inWorker>> | null = null;
const core = await measure(
  'core diffTables in a worker (result back)',
  async () => {
    result = await inWorker();
  },
  { runs: 3 },
);
await worker.terminate();
const others = [core];
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
const r = result as unknown as { summary: Record<string, number>; key: string | null };
report('CSV 1,000,000 rows × 10 columns, 1 % rows changed', baseline, others, {
  result: `${JSON.stringify(r.summary)} by key ${r.key}`,
  'naive result': JSON.stringify(naive()),
  'longest main-thread gap while the worker ran': `${maxGap.toFixed(1)} ms (10 ms ticks)`,
});
