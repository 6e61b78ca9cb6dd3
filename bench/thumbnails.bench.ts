/**
 * Gallery thumbnails in headless Chromium: BENCH_THUMBS (default 24) camera-sized JPEGs
 * (BENCH_THUMB_W × BENCH_THUMB_H, default 3000 × 2000) made into 280 px thumbnails the app's way
 * — gallery-thumbnails.ts: size from the header, createImageBitmap decoding straight to the small
 * size and an OffscreenCanvas encoding, in a worker — against the baseline measured in the same
 * run, a page decoding each full image in an <img> and drawing it onto a small canvas. Both make
 * six at once. Wall time, and the main thread's longest frame gap meanwhile (what a person
 * scrolling the gallery feels). Rounds interleave the two so load changes hit both alike.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/support/chromium.ts';
import { buildBenchPage, serveBenchPage } from './build-page.ts';
import { type Measurement, median, report } from './lib.ts';
import type { RunResult } from './thumbnails/main.ts';

declare global {
  interface Window {
    makeImages(count: number, width: number, height: number): Promise<number>;
    thumbnailsInWorker(): Promise<RunResult>;
    thumbnailsOnPage(): Promise<RunResult>;
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
const COUNT = Number(process.env.BENCH_THUMBS ?? 24);
const WIDTH = Number(process.env.BENCH_THUMB_W ?? 3000);
const HEIGHT = Number(process.env.BENCH_THUMB_H ?? 2000);
const ROUNDS = Number(process.env.BENCH_THUMB_ROUNDS ?? 5);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-thumbs-'));
const outDir = path.join(work, 'site');
await buildBenchPage(path.join(here, 'thumbnails'), outDir);
const server = await serveBenchPage(outDir);

const chrome = await launchChromium();
try {
  const page = await chrome.context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(server.url);
  const bytes = await page.evaluate(([n, w, h]) => window.makeImages(n, w, h), [COUNT, WIDTH, HEIGHT] as const);
  const cases = {
    page: () => page.evaluate(() => window.thumbnailsOnPage()),
    worker: () => page.evaluate(() => window.thumbnailsInWorker()),
  };
  const results: Record<keyof typeof cases, RunResult[]> = { page: [], worker: [] };
  await cases.page(); // warm-up: decoders, the worker's first start
  await cases.worker();
  for (let r = 0; r < ROUNDS; r++) {
    for (const key of ['page', 'worker'] as const) {
      const result = await cases[key]();
      if (result.made !== COUNT) throw new Error(`${key}: ${result.made} of ${COUNT} thumbnails made`);
      results[key].push(result);
    }
  }
  const asMeasurement = (name: string, runs: RunResult[], pick: (r: RunResult) => number): Measurement => ({
    name,
    medianMs: median(runs.map(pick)),
    runs: runs.map(pick),
  });
  const label = `${COUNT} JPEGs of ${WIDTH} × ${HEIGHT} (${(bytes / 1e6).toFixed(1)} MB)`;
  report(
    `Gallery thumbnails: ${label}, wall time`,
    asMeasurement('page: <img> full decode + canvas', results.page, (r) => r.ms),
    [asMeasurement('app: worker, decode to size', results.worker, (r) => r.ms)],
  );
  report(
    `Gallery thumbnails: ${label}, longest main-thread frame gap`,
    asMeasurement('page: <img> full decode + canvas', results.page, (r) => r.longestFrameGapMs),
    [asMeasurement('app: worker, decode to size', results.worker, (r) => r.longestFrameGapMs)],
  );
} finally {
  await chrome.close();
  server.close();
  fs.rmSync(work, { recursive: true, force: true });
}
