/**
 * The experiments views at 10,000 runs, in headless Chromium (the harness page in
 * experiments-browser/ mounts the app's real components and times them from inside the page):
 * - 10,000 runs × 100 columns (50 params, 50 metrics) in the Experiments page's Dexie store:
 *   opening the page (store read + first table frame), the table's first frame from memory,
 *   sort and filter from the click to the painted frame — against Array.prototype.sort of the
 *   same numbers and a hand-written filter in the same page;
 * - the parallel-coordinates plot of 10,000 runs on 8 axes (its columns read by the runs table's
 *   worker, drawn by the plot's worker on an OffscreenCanvas), and a brush on one axis — against
 *   the same polylines on a bare canvas, and against drawing it on the main thread as the app did
 *   before;
 * - the uPlot metric-history chart of 1,000 runs × 1,000 steps, one of 5 metrics at a time —
 *   against the same polylines on a bare canvas;
 * - (compare) the whole compare page of 1,000 runs from the Compare button's navigation until its
 *   table, parallel coordinates, metric history (1,000 steps a run, from the store), scatter and
 *   bar charts are painted, with its longest main-thread task in that time — against the same
 *   history polylines on a bare canvas.
 * - (BENCH_EXP_PARTS=sync) the first sync through the real server: the run feed and runs/search
 *   timed on the server against JSON of the same runs, then the Experiments page on an empty store
 *   until its first and every run are in the table, against fetching and parsing the feed alone.
 * Targets (issue 6): sort < 50 ms, filter < 50 ms, first table frame < 200 ms, parallel
 * coordinates < 500 ms; issue 17 at 100,000 runs: first frame < 200 ms, every run < 1 s, no task
 * over 50 ms, sort and filter < 100 ms, first sync < 10 s. BENCH_EXP_RUNS changes the run count.
 * Opening the page at 100,000 runs: the first open reads the rows (no snapshot yet) and writes the
 * columnar snapshot; the later opens read it (the medians are theirs).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/support/chromium.ts';
import { startTestServer, type TestServer } from '../test/support/server.ts';
import { buildBenchPage } from './build-page.ts';
import { FILTERS, type FirstSyncTiming, type Timing } from './experiments-browser/harness-api.ts';
import { type Measurement, median, report } from './lib.ts';
import { LongTaskTrace } from './long-task-trace.ts';
import { TargetMemory } from './target-memory.ts';

/** BENCH_EXP_TRACE=1: the pc, compare and sync parts, the first full open of the table and its sorts are traced, and their long main-thread tasks printed with what they held. */
const TRACE = process.env.BENCH_EXP_TRACE === '1';
/** BENCH_EXP_PARTS=table,pc,history,compare,sync picks parts (all but sync by default). */
const PARTS = (process.env.BENCH_EXP_PARTS ?? 'table,pc,history,compare').split(',');
const RUNS = Number(process.env.BENCH_EXP_RUNS ?? 10_000);
/** BENCH_EXP_COMPARE_OPENS: how many times the compare part opens the page (5 by default). */
const COMPARE_OPENS = Number(process.env.BENCH_EXP_COMPARE_OPENS ?? 5);
const HISTORY_RUNS = Math.min(RUNS, 1000);
const STEPS = 1000;
/** The first sync stops when the tab's JS heaps and buffers pass this (the machine is shared). */
const MEMORY_LIMIT_MB = Number(process.env.BENCH_EXP_MEMORY_LIMIT_MB ?? 6000);

const here = path.dirname(fileURLToPath(import.meta.url));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-exp-'));
const outDir = path.join(work, 'site');
await buildBenchPage(path.join(here, 'experiments-browser'), outDir);
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
/** The real Cairn server, for the first-sync part (BENCH_EXP_PARTS=sync): the page's API goes there. */
let cairn: TestServer | null = null;
const server = http.createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  if (cairn && (rel.startsWith('/api/') || rel.includes('.mlflow/'))) {
    const target = new URL(req.url ?? '/', cairn.url);
    const up = http.request(target, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
    return;
  }
  // The app's server API is not here: the run feed answers 404 and the page shows the store.
  if (rel.startsWith('/api/') || rel.startsWith('/yjs/') || rel.includes('.mlflow/') || rel.includes('.git/')) {
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not here"}');
    return;
  }
  let file = path.resolve(outDir, `.${rel}`);
  if (!file.startsWith(outDir + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    file = path.join(outDir, 'index.html'); // the router's pages
  }
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

function asMeasurement(name: string, times: number[]): Measurement {
  return { name, medianMs: median(times), runs: times };
}
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
async function series<T extends Timing>(n: number, fn: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}
const frame = (name: string, ts: Timing[]) =>
  asMeasurement(
    name,
    ts.map((t) => t.frameMs),
  );
const longest = (ts: Timing[]) => fmt(Math.max(...ts.map((t) => t.longestTaskMs)));
/** Where the time of one measurement went (medians): script in the handler, until the DOM showed it, paint. */
const detail = (ts: Timing[]) =>
  `script ${fmt(median(ts.map((t) => t.scriptMs)))}, in the DOM ${fmt(median(ts.map((t) => t.domMs)))}, painted ${fmt(median(ts.map((t) => t.frameMs)))}, longest task ${longest(ts)} (each: ${ts.map((t) => t.longestTaskMs.toFixed(0)).join(', ')})`;

const chrome = await launchChromium();
let page!: Page;
try {
  page = await chrome.context.newPage();
  await page.setViewportSize({ width: 1280, height: 1000 });
  // The notes index's WebSocket is not proxied here (the page goes on without it).
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('404') && !m.text().includes('notes-index'))
      console.error(`page: ${m.text()}`);
  });
  page.on('console', (m) => m.type() === 'warning' && console.error(`page warning: ${m.text()}`));
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(url);
  await page.locator('#ready').waitFor();
  if (PARTS.includes('sync')) await syncBench();
  if (PARTS.some((p) => p !== 'sync')) {
    const seeded = await page.evaluate((n) => window.benchSeed(n, 50, 50), RUNS);
    if (seeded !== RUNS) throw new Error(`seeded ${seeded} runs, wanted ${RUNS}`);
  }

  if (PARTS.includes('table')) await tableBench();
  if (PARTS.includes('pc')) await pcBench();
  if (PARTS.includes('history')) await historyBench();
  if (PARTS.includes('compare')) await compareBench();
} catch (error) {
  console.error('bench failed:', error);
  process.exitCode = 1;
} finally {
  await chrome.close().catch(() => {});
  await (cairn as TestServer | null)?.stop().catch(() => {});
  server.close();
  fs.rmSync(work, { recursive: true, force: true });
}

async function tableBench() {
  // Pure data work in the page (no DOM).
  const pure = [];
  for (let i = 0; i < 8; i++) pure.push(await page.evaluate(() => window.benchPure()));
  pure.shift();
  const pureBase = asMeasurement(
    `Array.prototype.sort of ${RUNS} numbers`,
    pure.map((p) => p.arraySortMs),
  );
  const plainFilter = asMeasurement(
    'hand-written Array.filter, same predicate',
    pure.map((p) => p.plainFilterMs),
  );

  // The Experiments page on its store: open (IndexedDB read + first frame), sort, filter.
  const openDefault = await series(5, async () => {
    const t = await page.evaluate(() => window.benchOpenPage(false));
    await page.evaluate(() => window.benchClosePage());
    return t;
  });
  const openAll = await series(3, async () => {
    const t = await page.evaluate(() => window.benchOpenPage(true));
    await page.evaluate(() => window.benchClosePage());
    return t;
  });
  const snapshotStates: string[] = [];
  const openFull = await series(3, async () => {
    // After the first open has read the rows, the next ones open from the snapshot it writes
    // (as a person returning later would): wait until it is there.
    for (let waited = 0; snapshotStates.length > 0 && waited < 300; waited++) {
      if ((await page.evaluate(() => window.benchSnapshotState())).includes('snapshot of')) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    snapshotStates.push(await page.evaluate(() => window.benchSnapshotState()));
    // The first open (it reads the rows and writes the snapshot) is traced.
    const trace = TRACE && snapshotStates.length === 1 ? new LongTaskTrace() : null;
    await trace?.start(page);
    const t = await page.evaluate(() => window.benchOpenPageFull(true));
    await printTrace(trace, 'the first open');
    await page.evaluate(() => window.benchClosePage());
    return t;
  });
  await page.evaluate(() => window.benchOpenPageFull(true));
  await page.evaluate(() => window.benchSort('metric:m7')); // warm-up
  const sortTrace = TRACE ? new LongTaskTrace() : null;
  await sortTrace?.start(page);
  const sortMetric = await series(7, () => page.evaluate(() => window.benchSort('metric:m7')));
  const sortText = await series(7, () => page.evaluate(() => window.benchSort('param:p0')));
  await printTrace(sortTrace, 'the sorts');
  await page.evaluate((f) => window.benchFilter(f), FILTERS[1] as string); // warm-up
  const filters = await series(
    8,
    (() => {
      let i = 0;
      return () => page.evaluate((f) => window.benchFilter(f), FILTERS[i++ % 2] as string);
    })(),
  );
  await page.evaluate(() => window.benchClosePage());
  const inMemory = await series(5, () => page.evaluate(() => window.benchTableInMemory()));
  const storeRead = await series(3, () => page.evaluate(() => window.benchStoreRead()));
  const storePaged = await series(3, () => page.evaluate(() => window.benchStorePaged()));

  report(
    `Runs table, ${RUNS} runs × 100 columns: sort (target < 50 ms)`,
    pureBase,
    [
      asMeasurement(
        'sortRuns by a metric (data only)',
        pure.map((p) => p.sortMs),
      ),
      frame('click "sort by metric" → frame painted', sortMetric),
      frame('click "sort by text param" → frame painted', sortText),
    ],
    {
      'sort by metric': detail(sortMetric),
      'sort by text param': detail(sortText),
    },
  );
  report(
    `Runs table, ${RUNS} runs × 100 columns: filter (target < 50 ms)`,
    plainFilter,
    [
      asMeasurement(
        'filterRuns, core filter language (data only)',
        pure.map((p) => p.filterMs),
      ),
      frame('submit filter → frame painted (includes the re-sort)', filters),
    ],
    {
      filter: detail(filters),
      'filtered to': filters.map((f) => f.note).join(' / '),
    },
  );
  report(
    `Runs table, ${RUNS} runs: first frame (target < 200 ms)`,
    pureBase,
    [
      frame('RunsTable from memory, 105 columns → first frame', inMemory),
      frame('open the page, 40 default columns (Dexie read + first frame)', openDefault),
      frame('open the page, all 105 columns (Dexie read + first frame)', openAll),
      frame('open the page until all runs are in the table (paged read + final frame)', openFull),
      frame('run-store loadRuns alone (one IndexedDB request for every run, as before)', storeRead),
      frame('run-store readRunsInPages alone (the paged read the page uses)', storePaged),
    ],
    {
      'in memory': `${inMemory[0]?.note}; ${detail(inMemory)}`,
      'page, default columns': `${openDefault[0]?.note}; ${detail(openDefault)}`,
      'page, all columns': `${openAll[0]?.note}; ${detail(openAll)}`,
      'page, all runs in': `${openFull.map((t) => t.note).join(' / ')}; ${detail(openFull)}`,
      'store before each of those opens': snapshotStates.join(' / '),
      'loadRuns (before)': `${storeRead.map((t) => t.note).join(' / ')}`,
      'readRunsInPages (now)': `${storePaged.map((t) => t.note).join(' / ')}; ${detail(storePaged)}`,
    },
  );
}

async function pcBench() {
  // Parallel coordinates, 10,000 runs on 8 axes.
  const trace = TRACE ? new LongTaskTrace() : null;
  await trace?.start(page);
  const mark = (name: string) => page.evaluate((n) => performance.mark(n), name);
  await mark('bare canvas');
  const pcPlain = await series(5, () => page.evaluate((n) => window.benchPcPlain(n), RUNS));
  await mark('main thread');
  const pcMain = await series(5, () => page.evaluate((n) => window.benchPcMainThread(n), RUNS));
  await mark('runs table worker: warm-up');
  await page.evaluate(() => window.benchPcTable()); // warm-up (both workers start, the store is read)
  await mark('runs table worker');
  const pcTable = await series(5, () => page.evaluate(() => window.benchPcTable()));
  await mark('runs table worker: brush');
  const brushTable = await series(5, () => page.evaluate(() => window.benchPcBrush()));
  await printTrace(trace, 'parallel coordinates');
  report(
    `Parallel coordinates, ${RUNS} runs × 8 axes (target < 500 ms)`,
    frame('bare canvas, same polylines, one stroke', pcPlain),
    [
      frame('main thread: buildAxis + drawParallel as paths (before the worker)', pcMain),
      frame("ParallelCoordinates of the runs table worker's runs → frame of every run painted", pcTable),
      frame('brush one axis (runs table worker) → redrawn frame + selection', brushTable),
    ],
    {
      'main thread': detail(pcMain),
      'runs table worker': `${detail(pcTable)}; ${pcTable.map((t) => t.note).join(', ')}`,
      'brush (runs table worker)': `${detail(brushTable)}; ${brushTable.map((t) => t.note).join(', ')}`,
    },
  );
}

async function historyBench() {
  // Metric history, 1,000 runs × 1,000 steps, one of 5 metrics per chart.
  const histPlain = await series(3, () =>
    page.evaluate(({ r, s }) => window.benchHistoryPlain(r, s), { r: HISTORY_RUNS, s: STEPS }),
  );
  await page.evaluate(({ r, s }) => window.benchHistory(r, s, 0), { r: HISTORY_RUNS, s: STEPS }); // warm-up
  const hist = await series(
    5,
    (() => {
      let m = 0;
      return () =>
        page.evaluate(({ r, s, k }) => window.benchHistory(r, s, k), { r: HISTORY_RUNS, s: STEPS, k: m++ % 5 });
    })(),
  );
  await page.evaluate(() => window.benchUnmount());
  report(
    `Metric history, ${HISTORY_RUNS} runs × 5 metrics × ${STEPS} steps (one metric per chart)`,
    frame('bare canvas, same polylines', histPlain),
    [frame('HistoryChart (uPlot) → frame painted', hist)],
    {
      HistoryChart: detail(hist),
      'series shaped as': hist[0]?.note ?? '',
      'bare canvas': detail(histPlain),
    },
  );
}

/**
 * Stops a trace (null: not tracing) and prints its long tasks (long-task-trace.ts), a line each
 * with their hottest functions under it, then the traced main thread's GC and task lengths in all.
 */
async function printTrace(trace: LongTaskTrace | null, what: string): Promise<void> {
  if (!trace) return;
  const tasks = await trace.stop();
  if (trace.dataLost)
    console.log(`  the trace of ${what} lost events (Chromium's trace buffer filled): tasks after that are missing`);
  for (const t of tasks)
    console.log(
      `  long task at ${t.atMs.toFixed(0)} ms (after "${t.after}"): ${t.ms.toFixed(0)} ms, GC ${t.gcMs.toFixed(0)} ms${t.gcKinds ? ` (${t.gcKinds})` : ''}; ${t.top}${t.script ? `; ${t.script}` : ''}${t.layouts ? `; layouts ${t.layouts}` : ''}${t.hot ? `\n      hot: ${t.hot}` : ''}${t.invalidations ? `\n      invalidated: ${t.invalidations}` : ''}`,
    );
  const main = trace.summary;
  if (main)
    console.log(
      `  main thread over ${what}, traced: GC ${main.gcMs.toFixed(0)} ms in ${main.gcCount} collections (longest ${main.longestGcMs.toFixed(1)} ms); tasks of 16+ ms ${main.tasksOver[16]}, 33+ ms ${main.tasksOver[33]}, 50+ ms ${main.tasksOver[50]} (longest ${main.longestTaskMs.toFixed(0)} ms)`,
    );
}

/** The compare page of 1,000 runs (issue 17: < 1 s), from the Compare button to the painted frame. */
async function compareBench() {
  // The last part: the harness's own copy of the 10,000 seeded runs is not the app's to hold.
  await page.evaluate((n) => window.benchReleaseSeed(n), HISTORY_RUNS);
  const metric = await page.evaluate(({ r, s }) => window.benchSeedCompare(r, s), { r: HISTORY_RUNS, s: STEPS });
  const plain = await series(3, () =>
    page.evaluate(({ r, s }) => window.benchHistoryPlain(r, s), { r: HISTORY_RUNS, s: STEPS }),
  );
  await page.evaluate(() => window.benchUnmount());
  const open = async () => {
    const t = await page.evaluate((r) => window.benchCompare(r), HISTORY_RUNS);
    await page.evaluate(() => window.benchClosePage());
    return t;
  };
  await open(); // warm-up (code, workers)
  const trace = TRACE ? new LongTaskTrace() : null;
  await trace?.start(page);
  const compare = await series(COMPARE_OPENS, open);
  await printTrace(trace, `${compare.length} compare opens`);
  report(
    `Compare page of ${HISTORY_RUNS} runs, ${metric} history × ${STEPS} steps from the store (target < 1 s)`,
    frame('bare canvas, same history polylines', plain),
    [frame('Compare → table, parallel coordinates, history, scatter and bars painted', compare)],
    {
      compare: `${detail(compare)}; ${compare.map((t) => t.note).join(' / ')}`,
      'opens with a task over 50 ms': `${compare.filter((t) => t.longestTaskMs > 50).length} of ${compare.length}`,
    },
  );
}

/**
 * The first sync of a repository's runs through the real server: RUNS runs (10 params and 10
 * metrics each, as in issue 17) uploaded through the run feed's batch call, then
 * - the server alone: walking the whole feed (`limit=5000`) and an MLflow `runs/search` with a
 *   filter, against JSON.stringify + JSON.parse of the same runs in Node (the floor of sending them);
 * - the app: the Experiments page opened on an empty store, until the first runs are in the table
 *   and until every run is (status "N of N runs"), against a plain fetch + JSON.parse of every
 *   feed page in the same page (network and parse, nothing stored).
 */
async function syncBench() {
  const token = 'cairn_bench_admin_token_exp_sync1';
  cairn = await startTestServer({ CAIRN_ADMIN_TOKEN: token, CAIRN_ADMIN_PASSWORD: 'bench-password-exp' });
  const base = cairn.url;
  const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const repoName = 'sync';
  const made = await fetch(`${base}/api/v1/repos`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ name: repoName, private: false }),
  });
  if (!made.ok) throw new Error(`repo: ${made.status} ${await made.text()}`);
  const t0 = performance.now();
  for (let i = 0; i < RUNS; i += 1000) {
    const runs = [];
    for (let j = i; j < Math.min(RUNS, i + 1000); j++) {
      const params: Record<string, string> = {};
      for (let k = 0; k < 10; k++)
        params[`p${k}`] = k === 0 ? ['adam', 'sgd', 'rmsprop'][j % 3]! : String((j * (k + 7)) % 997);
      const metrics = [];
      for (let k = 0; k < 10; k++)
        metrics.push({
          key: `m${k}`,
          value: ((j * 7919 + k * 104729) % 10007) / 1000,
          timestamp: 1_700_000_000_000 + j,
          step: 1,
        });
      runs.push({
        id: `run${String(j).padStart(6, '0')}`,
        name: `run-${j}`,
        status: 'FINISHED',
        startTime: 1_700_000_000_000 + j * 1000,
        endTime: 1_700_000_000_500 + j * 1000,
        params,
        tags: { team: j % 2 ? 'vision' : 'nlp' },
        metrics,
      });
    }
    const r = await fetch(`${base}/api/v1/repos/admin/${repoName}/runs/batch`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ runs }),
    });
    if (!r.ok) throw new Error(`batch: ${r.status} ${await r.text()}`);
  }
  const uploadMs = performance.now() - t0;

  // The server alone.
  let walked: unknown[] = [];
  const walk = async () => {
    walked = [];
    let since = 0;
    for (;;) {
      const r = await fetch(`${base}/api/v1/repos/admin/${repoName}/runs?since=${since}&limit=5000`);
      const page = (await r.json()) as { runs: unknown[]; seq: number; next: number | null };
      walked.push(...page.runs);
      since = page.seq;
      if (page.next === null) return;
    }
  };
  const feedTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await walk();
    feedTimes.push(performance.now() - t);
  }
  if (walked.length !== RUNS) throw new Error(`feed gave ${walked.length} runs`);
  const floor: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    JSON.parse(JSON.stringify({ runs: walked }));
    floor.push(performance.now() - t);
  }
  const search = async (filter: string, retry = true): Promise<{ ms: number; n: number }> => {
    const t = performance.now();
    // A kept-alive socket the server has just closed fails a POST once (undici does not retry it).
    const r = await fetch(`${base}/admin/${repoName}.mlflow/api/2.0/mlflow/runs/search`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ experiment_ids: ['0'], filter, max_results: 1000, order_by: ['metrics.m3 DESC'] }),
    }).catch((err: unknown) => {
      if (retry) return null;
      throw err;
    });
    if (r === null) return search(filter, false);
    const body = (await r.json()) as { runs?: unknown[] };
    if (!r.ok) throw new Error(`search: ${r.status} ${JSON.stringify(body).slice(0, 200)}`);
    return { ms: performance.now() - t, n: body.runs?.length ?? 0 };
  };
  const searches = [];
  for (let i = 0; i < 3; i++) searches.push(await search("metrics.m3 > 5 AND params.p0 = 'adam'"));
  report(
    `Server, ${RUNS} runs × 20 columns: run feed and runs/search`,
    asMeasurement('JSON.stringify + JSON.parse of every run in Node (floor)', floor),
    [
      asMeasurement('run feed walked, limit=5000 (every run)', feedTimes),
      asMeasurement(
        'MLflow runs/search, filter + order_by, max_results 1000',
        searches.map((s) => s.ms),
      ),
    ],
    {
      upload: `${RUNS} runs through runs/batch (1,000 per call) in ${(uploadMs / 1000).toFixed(1)} s`,
      'runs/search': `${searches[0]?.n} runs answered`,
    },
  );

  // The app: first sync into an empty store.
  const repo = `admin/${repoName}`;
  const plain = await series(3, () => page.evaluate((r) => window.benchFeedPlain(r), repo));
  const memory = await TargetMemory.watch(page);
  const peaks = new Map<string, number>();
  let syncNo = 0;
  const syncs = await series(Number(process.env.BENCH_EXP_SYNC_REPEAT ?? 2), async (): Promise<FirstSyncTiming> => {
    syncNo++;
    // A trace per sync: one over both filled Chromium's buffer during the first, losing the second.
    const trace = TRACE ? new LongTaskTrace() : null;
    await trace?.start(page);
    const t0 = performance.now();
    // Each target's heap every few seconds (a runaway shows where it is), stopped past the limit.
    let over: string | null = null;
    const watch = setInterval(() => {
      void memory.sample().then(async (heaps) => {
        for (const h of heaps) peaks.set(h.target, Math.max(peaks.get(h.target) ?? 0, h.usedMB + h.backingMB));
        const status = await page
          .evaluate(() =>
            [...document.querySelectorAll('#root [data-testid="runs-status"], #root .exp-note')]
              .map((e) => e.textContent ?? '')
              .join(' | '),
          )
          .catch(() => '?');
        console.error(
          `  sync ${syncNo} at ${((performance.now() - t0) / 1000).toFixed(0)} s: ${status}; ${TargetMemory.line(heaps)}`,
        );
        const total = heaps.reduce((s, h) => s + h.usedMB + h.backingMB, 0);
        if (total > MEMORY_LIMIT_MB && !over) {
          over = `the tab holds ${total.toFixed(0)} MB (over BENCH_EXP_MEMORY_LIMIT_MB=${MEMORY_LIMIT_MB}): ${TargetMemory.line(heaps)}`;
          await page.close().catch(() => {});
        }
      });
    }, 5000);
    try {
      const t = await page.evaluate(
        ({ r, n }) =>
          window.benchFirstSync(r, n).catch((e: unknown) => {
            throw new Error(`first sync: ${(e as Error).name}: ${(e as Error).message} ${(e as Error).stack ?? ''}`);
          }),
        { r: repo, n: RUNS },
      );
      await page.evaluate(() => window.benchClosePage());
      await printTrace(trace, `first sync ${syncNo}`);
      return t;
    } catch (err) {
      throw over ? new Error(`first sync ${syncNo} stopped: ${over}`) : err;
    } finally {
      clearInterval(watch);
    }
  });
  await memory.stop();
  report(
    `First sync of ${RUNS} runs from the real server into the Experiments page (target < 10 s)`,
    frame('fetch + JSON.parse of every feed page in the page (nothing stored)', plain),
    [
      asMeasurement(
        'empty store → first runs in the table',
        syncs.map((t) => t.domMs),
      ),
      frame('empty store → every run in the table', syncs),
      asMeasurement(
        'empty store → every run stored (the status says when it synced)',
        syncs.map((t) => t.storedMs),
      ),
    ],
    {
      'first sync': `${syncs.map((t) => t.note).join(' / ')}; longest task ${longest(syncs)}`,
      'memory (peak JS heap + buffers per target)': [...peaks].map(([k, v]) => `${k} ${v.toFixed(0)} MB`).join(', '),
    },
  );
}
