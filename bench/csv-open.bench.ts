/**
 * Opening a 1,000,000-row CSV in the app's table viewer, in headless Chromium: time to the
 * first drawn rows, time until the whole file is parsed, the longest frame gap meanwhile (the
 * tab must not freeze), a jump to the middle and to the last row, and memory (the page's JS heap, and the tab's
 * renderer process — page and worker — from /proc: a worker has no performance.memory).
 * Baseline, in the same run: papaparse in Node parsing the whole file in one go — the time a
 * viewer that parses before drawing would make the user wait — and the same streamed parse
 * (csv-parse.ts) the worker runs, in Node.
 * The jump to the last row checks the scaled scroll spacer (past ≈1.4 M rows).
 * BENCH_CSV_ROWS changes the row count (e.g. 2000000).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { CsvRowStore, streamCsv } from '../app/src/viewers/csv-parse.ts';
import { launchChromium } from '../test/support/chromium.ts';
import { rendererRssMb, samplePeakRss } from './csv-open/renderer-memory.ts';
import { type OpenResult, serveCsvHarness } from './csv-open/site.ts';
import { measure, report } from './lib.ts';

// What the harness page (csv-open/main.tsx) exposes; declared here since the root project has no JSX.
declare global {
  interface Window {
    openPicked(): Promise<OpenResult>;
  }
}

const ROWS = Number(process.env.BENCH_CSV_ROWS ?? 1_000_000);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-csv-'));
const site = await serveCsvHarness(path.join(work, 'site'));

// A realistic table: ids, a quoted text column with commas, floats, a category, a timestamp.
const csvPath = path.join(work, 'table.csv');
{
  const fd = fs.openSync(csvPath, 'w');
  fs.writeSync(fd, 'id,name,score,label,timestamp\n');
  let batch: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    batch.push(
      `${i},"sample ${i}, run ${i % 97}",${((i * 7919) % 10007) / 100},${['cat', 'dog', 'bird'][i % 3]},${1_700_000_000 + i}`,
    );
    if (batch.length === 50_000) {
      fs.writeSync(fd, `${batch.join('\n')}\n`);
      batch = [];
    }
  }
  if (batch.length) fs.writeSync(fd, `${batch.join('\n')}\n`);
  fs.closeSync(fd);
}
const size = fs.statSync(csvPath).size;
const text = fs.readFileSync(csvPath, 'utf8');

const oneShot = await measure('Node papaparse, whole file at once', () => Papa.parse(text, { delimiter: ',' }), {
  runs: 3,
});
let nodeFirst = 0;
const streamed = await measure(
  'Node streamCsv (the worker’s code), all rows',
  async () => {
    const t0 = performance.now();
    let first = -1;
    await streamCsv(text, new CsvRowStore(), {
      delimiter: ',',
      onProgress: () => {
        if (first < 0) first = performance.now() - t0;
      },
    });
    nodeFirst = first;
  },
  { runs: 3 },
);

const url = site.url;

const chrome = await launchChromium();
try {
  const page = await chrome.context.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error(`page: ${m.text()}`));
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(url);
  await page.locator('#file').setInputFiles(csvPath);
  type Result = Awaited<ReturnType<Window['openPicked']>>;
  const results: Result[] = [];
  const idleRssMb = rendererRssMb();
  const peaks: number[] = [];
  for (let i = 0; i < 3; i++) {
    const sampler = samplePeakRss();
    results.push(await page.evaluate(() => window.openPicked()));
    peaks.push(sampler.stop());
  }
  const med = (pick: (r: Result) => number) => [...results.map(pick)].sort((a, b) => a - b)[1] ?? 0;
  const first = {
    name: 'Chromium viewer: first rows drawn',
    medianMs: med((r) => r.firstRowMs),
    runs: results.map((r) => r.firstRowMs),
  };
  const done = {
    name: 'Chromium viewer: all rows parsed',
    medianMs: med((r) => r.doneMs),
    runs: results.map((r) => r.doneMs),
  };
  report(
    `Opening a ${ROWS.toLocaleString('en')}-row CSV (${(size / 1e6).toFixed(1)} MB)`,
    oneShot,
    [streamed, first, done],
    {
      'Node streamCsv first rows': `${nodeFirst.toFixed(1)} ms`,
      'rows shown': results[0]?.rows ?? '',
      'longest frame gap while parsing (median of runs)': `${med((r) => r.longestFrameGapMs).toFixed(0)} ms`,
      'jump to the middle of the table drawn in': `${med((r) => r.jumpToMiddleMs).toFixed(0)} ms`,
      'jump to the last row drawn in': `${med((r) => r.jumpToEndMs).toFixed(0)} ms`,
      'last row as drawn': results[0]?.lastRowCells || 'NOT SHOWN',
      'page JS heap after parsing': results[0]?.heapMb === null ? 'n/a' : `${results[0]?.heapMb?.toFixed(0)} MB`,
      'tab memory (renderer RSS, page + worker)': `${idleRssMb.toFixed(0)} MB before opening, peak ${[...peaks].sort((a, b) => a - b)[1]?.toFixed(0)} MB while opening (median of runs)`,
    },
  );
} catch (error) {
  console.error('bench failed:', error);
  process.exitCode = 1;
} finally {
  await chrome.close().catch(() => {});
  await site.close();
  fs.rmSync(work, { recursive: true, force: true });
}
