/**
 * The runs table's snapshot read at BENCH_SNAP_RUNS runs (100,000 by default) × 100 columns, in
 * headless Chromium: a worker reads the repository's columnar snapshot from IndexedDB as the runs
 * table's worker does (run-store readStoredBlocks) and adds each block to a RunTableModel, then
 * sorts by start time (the table's first query). Timed inside the worker, step by step; the
 * store's format before (format 1: blocks stored with their strings as arrays) is read in the
 * same rounds as the baseline. `npx tsx bench/run.ts snapshot-read`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/support/chromium.ts';
import { buildBenchPage, serveBenchPage } from './build-page.ts';
import { type Measurement, median, report } from './lib.ts';
import type { ReadTiming } from './snapshot-read/worker.ts';

const RUNS = Number(process.env.BENCH_SNAP_RUNS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_SNAP_ROUNDS ?? 7);
/**
 * format-1: the blocks stored as they were (strings as arrays: the baseline); packed: as stored
 * now (run-store readStoredBlocks: the head rows, then each block's bytes as a Blob); bare: the
 * same runs without metric summaries, stored now; raw-format-1: the baseline's reads with
 * IndexedDB alone, timing `result` (where the worker deserialises each value).
 */
const MODES = (process.env.BENCH_SNAP_MODES ?? 'format-1,packed,bare,raw-format-1').split(',');

const here = path.dirname(fileURLToPath(import.meta.url));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-snap-'));
const outDir = path.join(work, 'site');
await buildBenchPage(path.join(here, 'snapshot-read'), outDir);
const server = await serveBenchPage(outDir);
const url = server.url;
const chrome = await launchChromium();
try {
  const page = await chrome.context.newPage();
  page.on('console', (m) => console.error(`page ${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(url);
  await page.locator('#ready').waitFor();
  const t0 = performance.now();
  console.log(await page.evaluate((n) => window.snapSeed(n), RUNS), `in ${(performance.now() - t0).toFixed(0)} ms`);
  const results = new Map<string, ReadTiming[]>(MODES.map((m) => [m, []]));
  // Modes interleaved, round by round, so the machine's noise falls on each alike.
  for (let r = 0; r < ROUNDS; r++)
    for (const m of MODES) (results.get(m) as ReadTiming[]).push(await page.evaluate((x) => window.snapRead(x), m));
  const f = (xs: number[]) =>
    `${median(xs).toFixed(1)} ms [${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}]`;
  const total = (m: string): Measurement => {
    const runs = (results.get(m) ?? []).map((t) => t.totalMs);
    return { name: m, medianMs: median(runs), runs };
  };
  const parts: Record<string, string> = {};
  for (const [m, ts] of results) {
    const pick = (k: keyof ReadTiming) => ts.map((t) => t[k] as number);
    parts[m] = m.startsWith('raw')
      ? `every block read ${f(pick('totalMs'))}, of which in \`result\` (the deserialisation) ${f(pick('addMs'))}`
      : `first block ${f(pick('firstBlockMs'))}; read (incl. add) ${f(pick('readMs'))}; add ${f(pick('addMs'))}; query ${f(pick('queryMs'))}; structuredClone of one stored block ${f(pick('cloneOneMs'))}; ${ts[0]?.blocks} blocks of ~${((ts[0]?.blockBytes ?? 0) / 1e6).toFixed(2)} MB stored`;
  }
  // format-1 (the store's format before) is the baseline, when it was run.
  const [baseline, ...others] = MODES.includes('format-1')
    ? ['format-1', ...MODES.filter((m) => m !== 'format-1')]
    : MODES;
  report(
    `Snapshot read, ${RUNS} runs × 100 columns, read + first query, ${ROUNDS} rounds`,
    total(baseline as string),
    others.map(total),
    parts,
  );
} finally {
  await chrome.close().catch(() => {});
  server.close();
  fs.rmSync(work, { recursive: true, force: true });
}
