/**
 * Cold start offline: the built app (as `npm start` serves it, from the real server) is visited
 * once online, so its service worker installs and precaches the shell, and a repository is
 * created in the page. Then, with the network off, each run opens a fresh tab after stopping
 * every service worker (so the worker itself starts cold, as after a browser restart) and
 * times navigation → the repository page's file list is visible.
 * Baseline, same run and same conditions: an offline navigation to a static precached file of
 * the same origin (/icon.svg, answered from the same worker's precache) until its load event —
 * the floor every offline page pays (worker start, cache read, a document drawn). Also printed:
 * the repository list page (`/`) offline, and the initial JavaScript gzipped (the entry script
 * and its modulepreloads, as index.html lists them).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Page } from 'playwright-core';
import { buildApp } from '../test/support/build-app.ts';
import { launchChromium } from '../test/support/chromium.ts';
import { startTestServer } from '../test/support/server.ts';
import { type Measurement, median, report } from './lib.ts';

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 9);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-cold-'));
const appDir = path.join(work, 'app');
await buildApp(appDir);
const server = await startTestServer();

/** The JS a first visit loads before anything lazy: the entry module and its modulepreloads. */
function initialJs(): { files: string[]; raw: number; gzipped: number } {
  const html = fs.readFileSync(path.join(appDir, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ].map((m) => m[1] as string);
  let raw = 0;
  let gzipped = 0;
  for (const f of files) {
    const bytes = fs.readFileSync(path.join(appDir, f.replace(/^\//, '')));
    raw += bytes.length;
    gzipped += zlib.gzipSync(bytes, { level: 9 }).length;
  }
  return { files, raw, gzipped };
}

const chrome = await launchChromium();
try {
  // Online, once: the worker installs and a repository is made in the app.
  const first = await chrome.context.newPage();
  await first.goto(`${server.url}/`);
  await first.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
  await first.getByTestId('new-repo-name').fill('cold-start');
  await first.getByRole('button', { name: 'Create' }).click();
  await first.waitForURL(`${server.url}/local/cold-start`, { timeout: 60_000 });
  await first.getByTestId('entry').first().waitFor({ timeout: 60_000 });
  await first.close();
  await chrome.context.setOffline(true);

  /** One cold offline navigation: stop all workers, open a tab, time `url` until `ready`. */
  async function coldVisit(url: string, ready: (page: Page) => Promise<unknown>): Promise<number> {
    const page = await chrome.context.newPage();
    const cdp = await chrome.context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    const t0 = performance.now();
    await page.goto(url, { waitUntil: 'commit' });
    await ready(page);
    const ms = performance.now() - t0;
    await cdp.detach();
    await page.close();
    return ms;
  }

  async function runs(name: string, url: string, ready: (page: Page) => Promise<unknown>): Promise<Measurement> {
    await coldVisit(url, ready); // warm-up (disk cache of the browser's own files)
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await coldVisit(url, ready));
    return { name, medianMs: median(times), runs: times };
  }

  // The baseline must really come from the worker's precache and be the SVG, not the app.
  const probe = await chrome.context.newPage();
  const response = await probe.goto(`${server.url}/icon.svg`);
  const svgType = response?.headers()['content-type'] ?? '';
  const fromWorker = response?.fromServiceWorker() ?? false;
  await probe.close();

  const baseline = await runs('offline: precached /icon.svg (load event)', `${server.url}/icon.svg`, (p) =>
    p.waitForLoadState('load'),
  );
  const list = await runs('offline: repository list / (list drawn)', `${server.url}/`, (p) =>
    p.getByTestId('repo-item').first().waitFor({ timeout: 60_000 }),
  );
  const repo = await runs('offline: repository page (file list drawn)', `${server.url}/local/cold-start`, (p) =>
    p.getByTestId('entry').first().waitFor({ timeout: 60_000 }),
  );
  const js = initialJs();
  report(`Cold start offline, fresh tab with service workers stopped (${RUNS} runs each)`, baseline, [list, repo], {
    'baseline served by the service worker': `${fromWorker} (${svgType})`,
    'repository page minus baseline': `${(repo.medianMs - baseline.medianMs).toFixed(0)} ms`,
    'initial JS': `${js.files.join(' ')}: ${(js.raw / 1024).toFixed(1)} KiB raw, ${(js.gzipped / 1024).toFixed(1)} KiB gzipped (${(js.gzipped / 1000).toFixed(1)} KB)`,
  });
} catch (error) {
  console.error('bench failed:', error);
  process.exitCode = 1;
} finally {
  await chrome.close().catch(() => {});
  await server.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
