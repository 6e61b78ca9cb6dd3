/**
 * Harness page of experiments-browser.bench.ts: the app's real experiments views (the
 * Experiments page on its Dexie store, the runs table, the parallel-coordinates plot and the
 * uPlot history chart) mounted in Chromium, timed from inside the page. "Frame" times run until
 * the first animation frame after the change has been painted (rAF, then the next task), so
 * they include style, layout and paint, not only script. Each function does one measurement;
 * the bench repeats them and takes medians. Baselines are done here too, in the same page:
 * Array.prototype.sort of the same numbers, a hand-written filter, and plain canvases drawing
 * the same polylines with no framework.
 */
import type { MetricPoint, Run } from '@cairn/core/runs';
import { Route, Router, useNavigate } from '@solidjs/router';
import { createRoot, createSignal } from 'solid-js';
import { render } from 'solid-js/web';
import ComparePage from '../../app/src/experiments/ComparePage.tsx';
import { createExperimentsData, type ExperimentsData } from '../../app/src/experiments/create-experiments-data.ts';
import ExperimentsPage from '../../app/src/experiments/ExperimentsPage.tsx';
import { HistoryChart } from '../../app/src/experiments/HistoryChart.tsx';
import { columnsOfPoints } from '../../app/src/experiments/history-series.ts';
import { ParallelCoordinates } from '../../app/src/experiments/ParallelCoordinates.tsx';
import {
  brushMask,
  buildAxis,
  colorBins,
  drawParallel,
  type PcLayout,
} from '../../app/src/experiments/parallel-coords.ts';
import type { PcTableRuns } from '../../app/src/experiments/pc-runs.ts';
import { RunsTable, rowsOfRuns } from '../../app/src/experiments/RunsTable.tsx';
import { type Column, columnsOf, parseColumnId } from '../../app/src/experiments/run-columns.ts';
import { experimentsDb, historyRowOf, loadRuns, readRunsInPages } from '../../app/src/experiments/run-store.ts';
import { filterRuns, sortRuns } from '../../app/src/experiments/run-table.ts';
import { makeRuns } from '../../app/src/experiments/test-runs.test-support.ts';
import { newCompareState, writeCompareState } from '../../app/src/experiments/view-state.ts';
// The app's theme (colours as CSS variables, read by the charts), as the app has it.
import '../../app/src/shell/theme.css';
import { nextTask } from '../../app/src/workers/next-task.ts';
import { FILTERS, type Timing } from './harness-api.ts';

export const REPO = 'bench/exp';
const PC_COLUMNS = ['param:p0', 'param:p1', 'param:p2', 'param:p3', 'metric:m0', 'metric:m1', 'metric:m2', 'metric:m3'];
let runs: Run[] = [];
let navigate: ((to: string) => void) | null = null;
let disposeStage: (() => void) | null = null;

const afterPaint = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
async function until(cond: () => boolean, limitMs = 600_000): Promise<void> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > limitMs) throw new Error('timed out waiting for the page');
    await nextTask();
  }
}

/** Longest task (≥ 50 ms, Chromium's long-task threshold) while `fn` runs. */
async function timed(trigger: () => void, done: () => boolean, note = '', limitMs = 600_000): Promise<Timing> {
  let longest = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
  });
  obs.observe({ type: 'longtask' });
  const t0 = performance.now();
  trigger();
  const scriptMs = performance.now() - t0;
  await until(done, limitMs);
  const domMs = performance.now() - t0;
  await afterPaint();
  const frameMs = performance.now() - t0;
  await nextTask();
  for (const e of obs.takeRecords()) longest = Math.max(longest, e.duration);
  obs.disconnect();
  return { domMs, frameMs, scriptMs, longestTaskMs: longest, note };
}

function stage(): HTMLElement {
  disposeStage?.();
  disposeStage = null;
  const el = document.getElementById('stage') as HTMLElement;
  el.textContent = '';
  return el;
}

/**
 * Drops the harness's own copy of the seeded runs but the first `keep` (the compare part's): the
 * app's pages read runs from the store, and 10,000 Run objects held here were ~90 MiB of the
 * page's live heap (17 MiB without), which every major collection during a timed part marked.
 */
window.benchReleaseSeed = (keep) => {
  runs = runs.slice(0, keep);
  seededColumns = null;
};

window.benchUnmount = () => {
  stage();
};

/** Runs in memory only (the plot mounted alone needs no store). */
window.benchRunsInMemory = (n, params, metrics) => {
  runs = makeRuns(n, params, metrics);
};

window.benchSeed = async (n, params, metrics) => {
  runs = makeRuns(n, params, metrics);
  const db = experimentsDb();
  await db.runs.where('repo').equals(REPO).delete();
  await db.runBlocks.where('repo').equals(REPO).delete();
  await db.feeds.put({ repo: REPO, since: 0, syncedAt: Date.now() });
  for (let i = 0; i < runs.length; i += 2000) {
    await db.runs.bulkPut(
      runs.slice(i, i + 2000).map((run) => ({ repo: REPO, id: run.id, origin: 'mlflow' as const, run })),
    );
  }
  // Before any timing starts (see pageUrl).
  pageUrl(true);
  return db.runs.where('repo').equals(REPO).count();
};

const rows = () => document.querySelectorAll('#root [data-testid="run-row"]');

/** The seeded runs' column ids, gathered once: at 100,000 runs columnsOf is a 400 ms task of the harness's own. */
let seededColumns: { of: Run[]; ids: string[] } | null = null;

function pageUrl(allColumns: boolean): string {
  // Every column, the ones the bench sorts by in view (the table draws only those in view).
  const lead = ['attr:name', 'metric:m7', 'param:p0', 'metric:m3'];
  if (seededColumns?.of !== runs) seededColumns = { of: runs, ids: columnsOf(runs).map((c) => c.id) };
  const ids = [...lead, ...seededColumns.ids.filter((id) => !lead.includes(id))];
  const cols = allColumns ? `?cols=${encodeURIComponent(ids.join(','))}` : '';
  return `/${REPO}/experiments${cols}`;
}

window.benchOpenPage = async (allColumns) => {
  const url = pageUrl(allColumns);
  return timed(
    () => navigate?.(url),
    () => rows().length > 0,
  ).then((t) => ({
    ...t,
    note: `${rows().length} rows × ${rows()[0]?.querySelectorAll('.exp-cell').length ?? 0} cells in the DOM`,
  }));
};

/** Opening the page until every run of the store is in the table (the paged read is over). */
window.benchOpenPageFull = async (allColumns) => {
  const url = pageUrl(allColumns);
  const status = () => document.querySelector('#root [data-testid="runs-status"]')?.textContent ?? '';
  const reading = () => document.querySelector('#root [data-testid="runs-reading"]') !== null;
  const t0 = performance.now();
  let firstRowsMs = 0;
  // When the long tasks happened (from the click), to tell the read's pages from the update.
  const long: string[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) long.push(`${Math.round(e.duration)} ms at ${Math.round(e.startTime - t0)}`);
  });
  obs.observe({ type: 'longtask' });
  return timed(
    () => navigate?.(url),
    () => {
      if (!firstRowsMs && rows().length > 0) firstRowsMs = performance.now() - t0;
      return !reading() && status().includes(` of ${runs.length.toLocaleString('en')} runs`);
    },
  ).then((t) => {
    obs.disconnect();
    const tasks = long.length ? long.join(', ') : 'none';
    return { ...t, note: `first rows in the DOM after ${firstRowsMs.toFixed(1)} ms; long tasks: ${tasks}` };
  });
};

/**
 * The store read the page used to start with, alone (run-store loadRuns of every run: one
 * request, one task), and where its time goes: a structuredClone of the same rows in the page
 * (serialise + deserialise of the same objects, no IndexedDB, no Dexie).
 */
window.benchStoreRead = async () => {
  const t0 = performance.now();
  const got = await loadRuns(experimentsDb(), REPO);
  const ms = performance.now() - t0;
  const t1 = performance.now();
  structuredClone(got);
  const cloneMs = performance.now() - t1;
  return {
    domMs: ms,
    frameMs: ms,
    scriptMs: ms,
    longestTaskMs: 0,
    note: `${got.length} runs read; structuredClone of the same rows ${cloneMs.toFixed(1)} ms`,
  };
};

let finished = 0;
/** The paged read the page starts with now (run-store readRunsInPages), alone. */
window.benchStorePaged = async () => {
  let pages = 0;
  let firstMs = 0;
  const t0 = performance.now();
  return timed(
    () => {
      void readRunsInPages(experimentsDb(), REPO, (sofar, _total, done) => {
        pages++;
        if (pages === 1) firstMs = performance.now() - t0;
        if (done) finished = sofar.length;
      });
    },
    () => finished > 0,
  ).then((t) => {
    const n = finished;
    finished = 0;
    return { ...t, note: `${n} runs in ${pages} pages, first page after ${firstMs.toFixed(1)} ms` };
  });
};

/** What the store holds for the bench repository: its write stamp and its snapshot's header. */
window.benchSnapshotState = async () => {
  const db = experimentsDb();
  const stamp = (await db.runStamps.get(REPO))?.version ?? 0;
  const head = await db.runBlocks.get([REPO, -1]);
  return head && 'parts' in head
    ? `stamp ${stamp}, snapshot of ${head.parts} blocks at stamp ${head.version}`
    : `stamp ${stamp}, no snapshot`;
};

window.benchClosePage = async () => {
  navigate?.('/');
  await until(() => rows().length === 0 && !document.querySelector('#root [data-testid="compare-page"]'));
  await afterPaint();
};

window.benchSort = async (colId) => {
  const button = document.querySelector(`#root button.exp-sort[title="Sort by ${colId}"]`) as HTMLButtonElement;
  if (!button) throw new Error(`no sort button for ${colId}`);
  const before = rows()[0]?.getAttribute('data-run-id');
  return timed(
    () => button.click(),
    () => rows()[0]?.getAttribute('data-run-id') !== before,
    button.textContent ?? '',
  );
};

window.benchFilter = async (text) => {
  const input = document.querySelector('#root [data-testid="run-filter"]') as HTMLInputElement;
  const status = () => document.querySelector('#root [data-testid="runs-status"]')?.textContent ?? '';
  const before = status();
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  return timed(
    () => (input.form as HTMLFormElement).requestSubmit(),
    () => status() !== before,
  ).then((t) => ({ ...t, note: status().split('·')[0]?.trim() ?? '' }));
};

window.benchPure = () => {
  const col = parseColumnId('metric:m7') as Column;
  const values = runs.map((r) => r.metrics.m7 as number);
  let t = performance.now();
  [...values].sort((a, b) => a - b);
  const arraySortMs = performance.now() - t;
  t = performance.now();
  sortRuns(runs, col, 'desc');
  const sortMs = performance.now() - t;
  t = performance.now();
  const f = filterRuns(runs, FILTERS[0] as string);
  const filterMs = performance.now() - t;
  t = performance.now();
  const plain = runs.filter((r) => (r.metrics.m3 as number) > 1.5 && (r.params.p0 === 'adam' || r.params.p0 === 'sgd'));
  const plainFilterMs = performance.now() - t;
  if (!f.ok || f.runs.length !== plain.length) throw new Error('filter results differ from the plain filter');
  return { sortMs, arraySortMs, filterMs, plainFilterMs };
};

let resortInMemory: (() => void) | null = null;
/** Sorts the table mounted by benchTableInMemory (no router, no URL): the table's own cost. */
window.benchSortInMemory = async () => {
  const el = document.getElementById('stage') as HTMLElement;
  const first = () => el.querySelector('[data-testid="run-row"]')?.getAttribute('data-run-id');
  const before = first();
  return timed(
    () => resortInMemory?.(),
    () => first() !== before,
  );
};

window.benchTableInMemory = async () => {
  const el = stage();
  const columns = columnsOf(runs);
  const [sorted, setSorted] = createSignal(sortRuns(runs, parseColumnId('attr:start_time') as Column, 'desc'));
  let dir: 'asc' | 'desc' = 'desc';
  resortInMemory = () => {
    dir = dir === 'asc' ? 'desc' : 'asc';
    setSorted(sortRuns(runs, parseColumnId('metric:m7') as Column, dir));
  };
  return timed(
    () => {
      disposeStage = render(
        () => (
          <div style="height:700px;display:flex;flex-direction:column">
            <RunsTable
              rows={rowsOfRuns(sorted())}
              allSelected={false}
              groups={null}
              columns={columns}
              pinned={new Set(['attr:name'])}
              summary="last"
              baseline={null}
              selected={new Set()}
              sort={null}
              direction="desc"
              runHref={(r) => `#${r.id}`}
              onSort={() => {}}
              onToggle={() => {}}
              onToggleAll={() => {}}
              onBaseline={() => {}}
              onPin={() => {}}
              onMove={() => {}}
              onHide={() => {}}
              widths={{}}
              onResize={() => {}}
            />
          </div>
        ),
        el,
      );
    },
    () => el.querySelectorAll('[data-testid="run-row"]').length > 0,
  ).then((t) => ({ ...t, note: `${el.querySelectorAll('[data-testid="run-row"]').length} rows in the DOM` }));
};

const pcCanvas = () =>
  document.querySelector('#stage [data-testid="parallel-coordinates"]') as HTMLCanvasElement | null;
const drawn = () => Number(pcCanvas()?.dataset.frames ?? 0);

/** The runs table's worker with the store's runs, as the Experiments page has it (made once). */
let tableData: ExperimentsData | null = null;
async function tableRuns(): Promise<{ slots: Uint32Array; data: ExperimentsData }> {
  if (!tableData) tableData = createRoot(() => createExperimentsData('bench', 'exp', { git: false }));
  const data = tableData;
  await until(() => data.info().loaded && !data.info().reading && data.info().count === runs.length);
  // The shown runs in the page's default order (newest first).
  const a = await data.ask({
    type: 'query',
    query: { filter: '', sort: null, direction: 'desc', summary: 'last' },
    from: 0,
    to: 0,
  });
  return { slots: a.order, data };
}

/**
 * Mounts the plot of the runs held by the runs table's worker (every seeded run), as the
 * Experiments page does: the plot asks it for the plotted columns (read from its column blocks)
 * and hands them to the plot's worker. Until the frame of every run is painted.
 */
window.benchPcTable = async () => {
  const { slots, data } = await tableRuns();
  const table: PcTableRuns = {
    slots,
    read: (s, specs, summary) => data.ask({ type: 'plot-columns', slots: s, specs, summary }),
    idOf: data.idOf,
  };
  const el = stage();
  const columns = PC_COLUMNS.map((id) => parseColumnId(id) as Column);
  await nextTask();
  return timed(
    () => {
      disposeStage = render(
        () => (
          <ParallelCoordinates
            table={table}
            columns={columns}
            summary="last"
            logAxes={['metric:m1']}
            colorBy={parseColumnId('metric:m0')}
          />
        ),
        el,
      );
    },
    () => pcCanvas()?.dataset.runs === String(slots.length),
  ).then((t) => ({
    ...t,
    note: `columns read in ${pcCanvas()?.dataset.readMs} ms (${pcCanvas()?.dataset.readWorkerMs} ms of it in the runs table's worker), ${drawn()} frames, last worker ${pcCanvas()?.dataset.workerMs} ms`,
  }));
};

/** A drag along the second axis of the mounted plot, as a user brushes it. */
window.benchPcBrush = async () => {
  const canvas = pcCanvas();
  if (!canvas) throw new Error('no plot mounted');
  const before = drawn();
  const r = canvas.getBoundingClientRect();
  const x = r.left + 40 + (r.width - 80) / 7;
  const ev = (type: string, y: number) =>
    canvas.dispatchEvent(new PointerEvent(type, { clientX: x, clientY: r.top + y, bubbles: true, pointerId: 1 }));
  return timed(
    () => {
      ev('pointerdown', 80);
      ev('pointermove', 200);
      ev('pointerup', 200);
    },
    () => drawn() > before && /^\d+$/.test(canvas.dataset.selected ?? ''),
  ).then((t) => ({ ...t, note: `${canvas.dataset.selected} runs in the brush, worker ${canvas.dataset.workerMs} ms` }));
};

const LAYOUT: PcLayout = { width: 1200, height: 360, top: 34, bottom: 20, left: 40, right: 40 };

function freshCanvas(width: number, height: number): CanvasRenderingContext2D {
  const el = stage();
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.style.cssText = `width:${width}px;height:${height}px`;
  el.append(canvas);
  return canvas.getContext('2d') as CanvasRenderingContext2D;
}

/** How the plot was drawn before it moved to a worker: axes built and lines stroked on the main thread. */
window.benchPcMainThread = async (n) => {
  const subset = runs.slice(0, n);
  const columns = PC_COLUMNS.map((id) => parseColumnId(id) as Column);
  const ctx = freshCanvas(LAYOUT.width, LAYOUT.height);
  let done = false;
  return timed(
    () => {
      const axes = columns.map((c) => buildAxis(subset, c, 'last', c.id === 'metric:m1'));
      const color = buildAxis(subset, parseColumnId('metric:m0') as Column, 'last', false);
      drawParallel(ctx, LAYOUT, axes, brushMask(axes, [], n), colorBins(color, n), [], null, undefined, 'paths');
      done = true;
    },
    () => done,
  );
};

/** The same polylines on a bare canvas, positions precomputed: the floor for any plot. */
window.benchPcPlain = async (n) => {
  const axes = 8;
  const ys = new Float32Array(n * axes);
  for (let i = 0; i < ys.length; i++) ys[i] = 34 + ((i * 7919) % 306);
  const ctx = freshCanvas(LAYOUT.width, LAYOUT.height);
  let done = false;
  return timed(
    () => {
      ctx.globalAlpha = 0.35;
      ctx.beginPath();
      for (let i = 0; i < n; i++) {
        for (let a = 0; a < axes; a++) {
          const x = 40 + (a * 1120) / (axes - 1);
          if (a === 0) ctx.moveTo(x, ys[i * axes + a] as number);
          else ctx.lineTo(x, ys[i * axes + a] as number);
        }
      }
      ctx.stroke();
      done = true;
    },
    () => done,
  );
};

function historyOf(runCount: number, steps: number, metric: number): Map<string, MetricPoint[]> {
  const out = new Map<string, MetricPoint[]>();
  for (let r = 0; r < runCount; r++) {
    const points: MetricPoint[] = new Array(steps);
    const rate = 0.002 + (r % 17) / 4000;
    for (let s = 0; s < steps; s++) {
      const noise = Math.sin(s * 12.9898 + r * 78.233 + metric) * 0.05;
      points[s] = {
        key: `m${metric}`,
        step: s,
        timestamp: 1_700_000_000_000 + r * 1000 + s * 500,
        value: (metric + 1) * Math.exp(-rate * s) + noise,
      };
    }
    out.set(runs[r]?.id as string, points);
  }
  return out;
}

const historyDrawn = () =>
  Number((document.querySelector('#stage [data-testid="history-chart"]') as HTMLElement | null)?.dataset.frames ?? 0);

window.benchHistory = async (runCount, steps, metric) => {
  const el = stage();
  // As the store holds them (columns per run), which is what the compare page gives the chart.
  const histories = new Map(
    [...historyOf(runCount, steps, metric)].map(([id, points]) => [id, columnsOfPoints(points)]),
  );
  const subset = runs.slice(0, runCount);
  await nextTask();
  return timed(
    () => {
      disposeStage = render(
        () => (
          <div style="width:1000px">
            <HistoryChart
              runs={subset}
              histories={histories}
              metric={`m${metric}`}
              xAxis="step"
              smoothing={0}
              logScale={false}
            />
          </div>
        ),
        el,
      );
    },
    () => historyDrawn() > 0,
  ).then((t) => {
    const host = document.querySelector('#stage [data-testid="history-chart"]') as HTMLElement;
    return { ...t, note: `${host.dataset.mode}; worker ${host.dataset.workerMs} ms` };
  });
};

/** The same runs × steps as polylines on a bare 1000 px canvas, no chart library. */
window.benchHistoryPlain = async (runCount, steps) => {
  const ctx = freshCanvas(1000, 320);
  const histories = historyOf(runCount, steps, 0);
  let done = false;
  return timed(
    () => {
      ctx.lineWidth = 1;
      for (const points of histories.values()) {
        ctx.beginPath();
        for (let s = 0; s < points.length; s++) {
          const p = points[s] as MetricPoint;
          const x = (p.step / steps) * 1000;
          const y = 320 - p.value * 60;
          if (s === 0) ctx.moveTo(x, y);
          else ctx.lineTo(x, y);
        }
        ctx.stroke();
      }
      done = true;
    },
    () => done,
  );
};

/** The compare page's link for the first `runCount` runs, as the Experiments page's Compare button writes it. */
function compareUrl(runCount: number): string {
  const q = writeCompareState(newCompareState(runs.slice(0, runCount).map((r) => r.id)));
  return `/${REPO}/experiments/compare?${q}`;
}
const comparePage = () => document.querySelector('#root [data-testid="compare-page"]') as HTMLElement | null;
const compareHistory = () => document.querySelector('#root [data-testid="history-chart"]') as HTMLElement | null;
// The history chart drawn with the histories in it (not an empty chart while they are read).
/** The whole compare page is built: history, parallel coordinates, and the scatter and bar charts drawn (the last of its steps). */
const compareReady = () =>
  Number(compareHistory()?.dataset.frames ?? 0) > 0 &&
  !/ 0 x positions/.test(compareHistory()?.dataset.mode ?? '') &&
  Number(
    (document.querySelector('#root [data-testid="parallel-coordinates"]') as HTMLElement | null)?.dataset.frames ?? 0,
  ) > 0 &&
  ['scatter-chart', 'bar-chart'].every(
    (id) => (document.querySelector(`#root [data-testid="${id}"]`) as HTMLElement | null)?.dataset.plotted,
  );

/**
 * The metric the compare page of the first `runCount` runs charts by default (it picks one that
 * varies), found by opening it once; then that metric's history (`steps` points) stored for
 * each of those runs, as a sync leaves them.
 */
window.benchSeedCompare = async (runCount, steps) => {
  navigate?.(compareUrl(runCount));
  const select = () => document.querySelector('#root [data-testid="history-metric"]') as HTMLSelectElement | null;
  // No histories are stored yet: the chart draws empty, once.
  await until(() => (select()?.value ?? '') !== '' && Number(compareHistory()?.dataset.frames ?? 0) > 0, 120_000);
  const metric = (select() as HTMLSelectElement).value;
  await window.benchClosePage();
  const k = Number(metric.replace(/^m/, ''));
  const histories = historyOf(runCount, steps, Number.isFinite(k) ? k : 0);
  const db = experimentsDb();
  const rowsOf = [...histories].map(([id, points]) =>
    historyRowOf(
      REPO,
      id,
      metric,
      points.map((p) => ({ ...p, key: metric })),
    ),
  );
  for (let i = 0; i < rowsOf.length; i += 100) await db.histories.bulkPut(rowsOf.slice(i, i + 100));
  return metric;
};

/**
 * The compare page of the first `runCount` runs, from the Compare button's navigation until
 * its parallel coordinates and the metric history chart have drawn and the frame is painted.
 */
window.benchCompare = async (runCount) => {
  const url = compareUrl(runCount);
  const t0 = performance.now();
  let textMs = 0;
  let pcMs = 0;
  const pc = () =>
    Number(
      (document.querySelector('#root [data-testid="parallel-coordinates"]') as HTMLElement | null)?.dataset.frames ?? 0,
    );
  return timed(
    () => navigate?.(url),
    () => {
      if (!textMs && document.querySelector('#root [data-testid="compare-table"]')) textMs = performance.now() - t0;
      if (!pcMs && pc() > 0) pcMs = performance.now() - t0;
      return compareReady();
    },
  ).then((t) => ({
    ...t,
    note: `runs read by the compare worker in ${comparePage()?.dataset.readMs ?? '?'} ms, summarised in ${comparePage()?.dataset.shapeMs ?? '?'} ms (the page waited ${comparePage()?.dataset.waitedMs ?? '?'} ms), table after ${textMs.toFixed(0)} ms, parallel coordinates ${pcMs.toFixed(0)} ms, history (${compareHistory()?.dataset.mode}; ${compareHistory()?.dataset.worker}) ${t.domMs.toFixed(0)} ms`,
  }));
};

/** Every feed page fetched and parsed, nothing stored: the floor of a first sync. */
window.benchFeedPlain = async (repo) => {
  const t0 = performance.now();
  let since = 0;
  let n = 0;
  for (;;) {
    const r = await fetch(`/api/v1/repos/${repo}/runs?since=${since}&limit=5000`);
    const page = (await r.json()) as { runs: unknown[]; seq: number; next: number | null };
    n += page.runs.length;
    since = page.seq;
    if (page.next === null) break;
  }
  const ms = performance.now() - t0;
  return { domMs: ms, frameMs: ms, scriptMs: ms, longestTaskMs: 0, note: `${n} runs` };
};

/**
 * The Experiments page opened on a repository this device has never synced: its store is
 * emptied, the page opens and pulls the feed. domMs is until the first runs are in the table,
 * frameMs until every run is (the status says "N of N runs" and nothing is still being read).
 */
window.benchFirstSync = async (repo, total) => {
  const db = experimentsDb();
  await db.runs.where('repo').equals(repo).delete();
  await db.feeds.delete(repo);
  // As the app's own drop of a repository's experiments (device-copy.ts): its write stamp too.
  if (db.tables.some((t) => t.name === 'runStamps')) await db.table('runStamps').delete(repo);
  // The columnar snapshot, where the store has one (not before it existed).
  if (db.tables.some((t) => t.name === 'runBlocks')) await db.table('runBlocks').where('repo').equals(repo).delete();
  const status = () => document.querySelector('#root [data-testid="runs-status"]')?.textContent ?? '';
  const reading = () => document.querySelector('#root [data-testid="runs-reading"]') !== null;
  let firstRowsMs = 0;
  const long: number[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) long.push(e.duration);
  });
  obs.observe({ type: 'longtask' });
  const t0 = performance.now();
  const seen: string[] = [];
  const t = await timed(
    () => navigate?.(`/${repo}/experiments`),
    () => {
      if (!firstRowsMs && rows().length > 0) firstRowsMs = performance.now() - t0;
      const s = status().split('·')[0]?.trim() ?? '';
      if (s && seen[seen.length - 1] !== s) seen.push(s);
      return !reading() && status().startsWith(`${total.toLocaleString('en')} of ${total.toLocaleString('en')} runs`);
    },
    '',
    600_000,
  );
  // The pull goes on storing after the table shows every run: the sync is over (and the next
  // one may empty the store) once it says when it synced.
  await until(() => status().includes('· synced'), 600_000);
  const storedMs = performance.now() - t0;
  obs.disconnect();
  const over50 = long.filter((d) => d > 50);
  return {
    ...t,
    domMs: firstRowsMs,
    storedMs,
    longestTaskMs: Math.max(0, ...long),
    note: `first rows after ${firstRowsMs.toFixed(0)} ms, all after ${t.frameMs.toFixed(0)} ms, all stored after ${storedMs.toFixed(0)} ms; ${over50.length} tasks > 50 ms (longest ${Math.round(Math.max(0, ...long))} ms); status went ${seen.length > 6 ? [...seen.slice(0, 3), '…', ...seen.slice(-2)].join(' → ') : seen.join(' → ')}`,
  };
};

function Root(props: { children?: unknown }) {
  navigate = useNavigate();
  return <>{props.children}</>;
}

render(
  () => (
    <Router root={Root}>
      <Route path="/" component={() => <p id="ready">ready</p>} />
      <Route path="/:owner/:repo/experiments" component={ExperimentsPage} />
      <Route path="/:owner/:repo/experiments/compare" component={ComparePage} />
    </Router>
  ),
  document.getElementById('root') as HTMLElement,
);
