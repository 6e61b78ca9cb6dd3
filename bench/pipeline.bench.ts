/**
 * The Pipeline tab at scale (issue 13).
 * - In headless Chromium (the harness page in pipeline-browser/ mounts the app's real
 *   PipelineGraph): a 500-stage pipeline (one `matrix` stage) every stage drawn, from the call to
 *   the painted frame (target < 1 s), then a zoom on it; 5,000 stages grouped (the default) and
 *   expanded, with the longest main-thread task while laying out (target < 100 ms). Compared in
 *   the same page with cytoscape-dagre on the main thread (the first pass, 500 only: it needs
 *   minutes at 5,000) and with cytoscape drawing every stage at precomputed positions in one go
 *   (no layout: the floor, and how the page drew before it added elements in slices).
 * - In Node, core's treeStatus (the code the pipeline worker runs): stale check of 200 stages whose
 *   deps total 10,000 files in git, cold (every blob hashed) and after a commit that changed only
 *   params.yaml (hashes cached by blob id), targets < 2 s / < 200 ms; baselines: MD5 of the same
 *   10,000 blobs alone, and loading the pipeline files alone.
 * BENCH_PIPELINE_PARTS=graph,status picks parts (both by default).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BlobHashCache,
  dirHash,
  hashBytes,
  hashWasmMd5,
  loadRepoPipeline,
  type ParseCache,
  parseCache,
  treeStatus,
} from '@cairn/core';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/support/chromium.ts';
import { buildBenchPage, serveBenchPage } from './build-page.ts';
import { type Measurement, measure, median, report } from './lib.ts';
import type { Grouping, Timing } from './pipeline-browser/harness-api.ts';

const PARTS = (process.env.BENCH_PIPELINE_PARTS ?? 'graph,status').split(',');
const here = path.dirname(fileURLToPath(import.meta.url));
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const asMeasurement = (name: string, ts: Timing[]): Measurement => ({
  name,
  medianMs: median(ts.map((t) => t.frameMs)),
  runs: ts.map((t) => t.frameMs),
});
const longest = (ts: Timing[]) => fmt(Math.max(...ts.map((t) => t.longestTaskMs)));
const detail = (ts: Timing[]) => `longest main-thread task ${longest(ts)}; ${ts[0]?.note ?? ''}`;

if (PARTS.includes('graph')) await graphBench();
if (PARTS.includes('status')) await statusBench();

async function graphBench() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-pipeline-'));
  const outDir = path.join(work, 'site');
  await buildBenchPage(path.join(here, 'pipeline-browser'), outDir);
  const server = await serveBenchPage(outDir);
  const url = server.url;
  const chrome = await launchChromium();
  try {
    const page: Page = await chrome.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && console.error(`page: ${m.text()}`));
    await page.goto(url);
    await page.locator('#ready').waitFor();
    const series = async (n: number, fn: () => Promise<Timing>) => {
      const out: Timing[] = [];
      for (let i = 0; i < n; i++) out.push(await fn());
      return out;
    };
    const run = (what: 'benchGraph' | 'benchMainThreadDagre' | 'benchPreset', g: Grouping, m: 'stages' | 'both') =>
      page.evaluate(({ what, g, m }) => window[what](g, m), { what, g, m });

    for (const [stages, runs] of [
      [500, 5],
      [5000, 2],
    ] as const) {
      const got = await page.evaluate((n) => window.benchPrepare(n), stages);
      await run('benchGraph', 'grouped', 'stages'); // warm-up: code load, worker start
      const small = stages <= 500;
      const none: Timing[] = [];
      // The floor: every stage drawn by cytoscape in one go at precomputed positions (no layout).
      const preset = await series(runs, () => run('benchPreset', 'expanded', 'stages'));
      // cytoscape-dagre on the main thread never finishes at 5,000 stages (dagre needs minutes).
      const mainDagre = small ? await series(runs, () => run('benchMainThreadDagre', 'expanded', 'stages')) : none;
      const worker = await series(runs, () => run('benchGraph', 'expanded', 'stages'));
      const zoom = await series(runs, () => page.evaluate(() => window.benchTap()));
      const grouped = await series(runs, () => run('benchGraph', 'grouped', 'stages'));
      const groupedBoth = small ? await series(runs, () => run('benchGraph', 'grouped', 'both')) : none;
      report(
        `Pipeline graph, ${got} stages (one matrix stage): drawn and painted (target < 1 s at 500; longest task < 100 ms)`,
        asMeasurement('cytoscape, every stage at precomputed positions in one go (no layout)', preset),
        [
          ...(small ? [asMeasurement('cytoscape-dagre on the main thread (first pass)', mainDagre)] : []),
          asMeasurement('PipelineGraph, every stage: layout in the worker → added in slices', worker),
          asMeasurement('  then a zoom → frame painted', zoom),
          asMeasurement('PipelineGraph, matrix grouped (the default), stages view', grouped),
          ...(small ? [asMeasurement('PipelineGraph, matrix grouped, files and stages view', groupedBoth)] : []),
        ],
        {
          'no layout': detail(preset),
          ...(small ? { 'dagre on the main thread': detail(mainDagre) } : {}),
          'every stage': detail(worker),
          zoom: detail(zoom),
          grouped: detail(grouped),
          ...(small ? { 'grouped, both': detail(groupedBoth) } : {}),
        },
      );
    }
  } catch (error) {
    console.error('bench failed:', error);
    process.exitCode = 1;
  } finally {
    await chrome.close().catch(() => {});
    server.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function statusBench() {
  const STAGES = 200;
  const FILES_PER_STAGE = 50;
  const md5 = hashWasmMd5();
  const enc = new TextEncoder();
  // A commit's tree: 10,000 source files of ~2 KB in 200 folders, blob ids made up (unique).
  const blobs = new Map<string, string>();
  const bytes = new Map<string, Uint8Array>();
  let oid = 0;
  const addBlob = (p: string, content: Uint8Array) => {
    const id = (oid++).toString(16).padStart(40, '0');
    blobs.set(p, id);
    bytes.set(id, content);
  };
  for (let s = 0; s < STAGES; s++) {
    for (let f = 0; f < FILES_PER_STAGE; f++) {
      addBlob(`src/s${s}/f${f}.py`, enc.encode(`# stage ${s} file ${f}\n${'x = 1\n'.repeat(340)}`));
    }
  }
  // The lock, hashed right (so every stage is up to date before params change).
  const lockStages: string[] = [];
  const yamlStages: string[] = [];
  const params = (lr: number) =>
    Array.from({ length: STAGES }, (_, s) => `s${s}:\n  lr: ${s === 7 ? lr : 0.1}\n`).join('');
  for (let s = 0; s < STAGES; s++) {
    const entries = [];
    for (let f = 0; f < FILES_PER_STAGE; f++) {
      const h = await hashBytes(bytes.get(blobs.get(`src/s${s}/f${f}.py`)!)!, 'md5', md5);
      entries.push({ relpath: `f${f}.py`, md5: h.md5, size: h.size });
    }
    const dir = await dirHash(entries, md5);
    const size = entries.reduce((n, e) => n + e.size, 0);
    const prev = s % 10 === 0 ? '' : `      - out/s${s - 1}.txt\n`;
    yamlStages.push(
      `  s${s}:\n    cmd: python run.py ${s}\n    deps:\n      - src/s${s}\n${prev}    params:\n      - s${s}.lr\n    outs:\n      - out/s${s}.txt\n`,
    );
    const prevLock =
      s % 10 === 0
        ? ''
        : `    - path: out/s${s - 1}.txt\n      hash: md5\n      md5: ${'ab'.repeat(15)}${String(s - 1)
            .padStart(2, '0')
            .slice(-2)}\n      size: 10\n`;
    lockStages.push(
      `  s${s}:\n    cmd: python run.py ${s}\n    deps:\n    - path: src/s${s}\n      hash: md5\n      md5: ${dir.oid}\n      size: ${size}\n      nfiles: ${FILES_PER_STAGE}\n${prevLock}    params:\n      params.yaml:\n        s${s}.lr: 0.1\n    outs:\n    - path: out/s${s}.txt\n      hash: md5\n      md5: ${'ab'.repeat(15)}${String(s).padStart(2, '0').slice(-2)}\n      size: 10\n`,
    );
  }
  const dvcYaml = `stages:\n${yamlStages.join('')}`;
  const dvcLock = `schema: '2.0'\nstages:\n${lockStages.join('')}`;
  const commit = (lr: number) => {
    const tree = new Map(blobs);
    const text = new Map<string, string>([
      ['dvc.yaml', dvcYaml],
      ['dvc.lock', dvcLock],
      ['params.yaml', params(lr)],
    ]);
    for (const [p, t] of text) {
      const id = `${p}:${lr}`;
      tree.set(p, id);
      bytes.set(id, enc.encode(t));
    }
    return { tree, text };
  };
  const readBlob = async (id: string) => bytes.get(id)!;
  // The worker keeps both caches for the tab's life: blob hashes by blob id, parses by text.
  const check = async (lr: number, cache: BlobHashCache, parsed?: ParseCache) => {
    const { tree, text } = commit(lr);
    const pipeline = await loadRepoPipeline({
      paths: [...tree.keys()],
      read: (p) => text.get(p),
      ...(parsed ? { parsed } : {}),
    });
    const result = await treeStatus(pipeline, { blobs: tree, readBlob }, { md5, cache });
    if (!result.ok) throw new Error(result.error.message);
    return result.value.filter((s) => s.state === 'changed').length;
  };

  // Sanity: up to date at lr 0.1; s7 and its chain (s8, s9) stale at 0.2.
  const fresh = await check(0.1, new Map());
  const warm: BlobHashCache = new Map();
  const warmParsed = parseCache();
  await check(0.1, warm, warmParsed);
  const after = await check(0.2, warm, warmParsed);
  const all = [...bytes.entries()].filter(([id]) => !id.includes(':'));
  const md5Only = await measure(
    `MD5 of the same ${all.length} blobs alone`,
    async () => {
      for (const [, b] of all) await hashBytes(b, 'md5', md5);
    },
    { runs: 5 },
  );
  const cold = await measure('treeStatus, cold (empty blob-hash cache)', () => check(0.1, new Map()), { runs: 5 });
  const { text } = commit(0.3);
  const parse = await measure('loadRepoPipeline alone (dvc.yaml, dvc.lock, params.yaml)', () =>
    loadRepoPipeline({ paths: ['dvc.yaml', 'dvc.lock', 'params.yaml'], read: (p) => text.get(p) }),
  );
  let lr = 0.3;
  const paramsOnlyNoParseCache = await measure(
    'treeStatus, only params.yaml changed, blob hashes cached, every file re-parsed',
    () => {
      lr += 0.1;
      return check(lr, warm);
    },
  );
  const paramsOnly = await measure('treeStatus, only params.yaml changed, both caches warm (the worker)', () => {
    lr += 0.1;
    return check(lr, warm, warmParsed);
  });
  report(
    `Stale check, ${STAGES} stages, ${all.length} files in git (targets: cold < 2 s, params only < 200 ms)`,
    md5Only,
    [cold, parse, paramsOnlyNoParseCache, paramsOnly],
    { 'stale stages': `${fresh} at the locked params, ${after} after s7's lr changed (s7, s8, s9)` },
  );
}
