/**
 * How large a repository the browser clones, how fast and in how much memory. For each size
 * (default 64, 256, 512, 1024, 2000 MiB of incompressible blobs in 512 KiB files, one commit) a
 * repository is pushed with the real git CLI to the real server, then cloned in headless
 * Chromium in a fresh tab (bench/clone-size/main.ts, served by the server beside the app, so the
 * pack comes to the tab as to the app; cap lifted) by the app's clone code
 * (`pack`: one upload-pack request, the pack indexed in a worker as it streams in and stored packed;
 * its "Receiving objects" phase includes the indexing, "Indexing objects" is what is left after the
 * last byte: resolving deltas, the `.idx`) and, up to
 * BENCH_CLONE_OLD_MAX MiB (default 512), by the clone the app ran before (isomorphic-git's
 * `git.clone`). Recorded: time and its phases, success or failure (tab crash or error), the
 * tab's peak JS heap (CDP) and the renderer processes' peak RSS (the tab and its workers),
 * printed against the pack's size. Baseline, same run: native `git clone` of the same
 * repository from the same server, and the same clone followed by `sync` (the app's clone is
 * durable when it ends; git's is not, and on a slow disk that is much of the difference). A mode's sweep stops at its first failure. Finally the
 * real app page clones a repository just over the cap and the bench prints what the user sees.
 * BENCH_CLONE_SIZES=64,128 (MiB) changes the sizes; BENCH_CLONE_APP=0 skips the last step.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { CLONE_LIMIT_BYTES } from '../app/src/git/http-limit.ts';
import { buildApp, productionBuild } from '../test/support/build-app.ts';
import { launchChromium } from '../test/support/chromium.ts';
import { startTestServer } from '../test/support/server.ts';
import type { CloneMode } from './clone-size/main.ts';
import { rendererRssMb } from './csv-open/renderer-memory.ts';
import { type Measurement, report, warmFreeMemory } from './lib.ts';

declare global {
  interface Window {
    cloneWithAppCode(
      url: string,
      fsName: string,
      limitBytes: number | null,
      mode: CloneMode,
    ): Promise<{ ms: number; phases: Record<string, number>; files: number; bytes: number }>;
    wipe(fsName: string): Promise<void>;
  }
}

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const MiB = 1024 * 1024;
const SIZES = (process.env.BENCH_CLONE_SIZES ?? '64,256,512,1024,2000').split(',').map(Number);
/** The clone the app ran before needs ~4.5× the pack: past this size it is not tried. */
const OLD_MAX_MIB = Number(process.env.BENCH_CLONE_OLD_MAX ?? 512);
// Half-MiB files: more than git's unpackLimit (100 objects) from 64 MiB up, so the server keeps
// the pushed (uncompressed) pack and serves it as is instead of re-deflating loose objects.
const FILE_MIB = 0.5;
const TOKEN = 'bench-admin-token-0123456789abcdef';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-clone-'));

// The app, built as the e2e setup does, for the last step (the message a user sees).
const appDir = path.join(work, 'app');
await buildApp(appDir);
const server = await startTestServer({ CAIRN_ADMIN_PASSWORD: 'bench-admin-password', CAIRN_ADMIN_TOKEN: TOKEN });
const host = new URL(server.url).host;

// The harness page, built into a folder of the app the server serves: same origin as git, and
// the pack comes straight from the server as it does to the app (and to the git CLI), with no
// proxy of this process in between.
const HARNESS_PATH = '/bench-clone/';
await productionBuild({
  root: path.join(here, 'clone-size'),
  base: HARNESS_PATH,
  logLevel: 'error',
  configFile: false,
  // Module workers, as the app builds them (the receive worker starts the pack writer's).
  worker: { format: 'es' },
  build: { outDir: path.join(appDir, HARNESS_PATH), emptyOutDir: true, target: 'es2022' },
});
const siteUrl = `${server.url}${HARNESS_PATH.replace(/\/$/, '')}`;

/** Creates `admin/NAME` on the server and pushes a commit of `mib` MiB of random 512 KiB files. */
async function makeRepo(name: string, mib: number): Promise<void> {
  const created = await fetch(`${server.url}/api/v1/repos`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, private: false }),
  });
  if (created.status !== 201) throw new Error(`creating ${name}: ${created.status} ${await created.text()}`);
  const dir = path.join(work, 'src', name);
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  for (let i = 0; i * FILE_MIB < mib; i++) {
    fs.writeFileSync(
      path.join(dir, 'data', `blob-${String(i).padStart(5, '0')}.bin`),
      crypto.randomBytes(FILE_MIB * MiB),
    );
  }
  // Random data does not compress or delta: skip both so making the repository is quick.
  const git = (...args: string[]) =>
    run(
      'git',
      [
        '-C',
        dir,
        '-c',
        'user.name=Bench',
        '-c',
        'user.email=bench@example.com',
        '-c',
        'core.compression=0',
        '-c',
        'core.bigFileThreshold=1m',
        ...args,
      ],
      { maxBuffer: 64 * MiB },
    );
  await git('init', '-q', '-b', 'main');
  await git('add', '.');
  await git('commit', '-q', '-m', `${mib} MiB of random blobs`);
  await git('push', '-q', `http://admin:${TOKEN}@${host}/admin/${name}.git`, 'main');
  fs.rmSync(dir, { recursive: true, force: true });
}

interface Outcome {
  mode: CloneMode;
  mib: number;
  packMib: number;
  ok: boolean;
  ms: number;
  nativeMs: number;
  /** The git CLI's clone, then `sync` of its files: what writing them durably costs on this disk. */
  nativeDurableMs: number;
  what: string;
  peakHeapMb: number;
  peakRendererRssMb: number;
  /** Renderer RSS of the tab before the clone began. */
  idleRendererRssMb: number;
}

/** What the clone added to the renderer's memory at its peak, as a multiple of the pack. */
const addedPerPack = (o: Outcome) =>
  ((Math.max(0, o.peakRendererRssMb - o.idleRendererRssMb) * 1e6) / (o.packMib * MiB)).toFixed(2);

/** The checkout's cost per file and its rate in bytes (the phase includes writing `.git/index`). */
function checkoutRate(seconds: number | undefined, files: number, bytes: number): string {
  if (!seconds || !files) return '';
  return ` (checkout ${((seconds * 1000) / files).toFixed(1)} ms per file, ${(bytes / MiB / seconds).toFixed(0)} MiB/s)`;
}

/** Clones `admin/NAME` in a fresh tab with the app's clone code, sampling memory meanwhile. */
async function cloneInTab(
  page: Page,
  name: string,
  mode: CloneMode,
): Promise<Omit<Outcome, 'mode' | 'mib' | 'packMib' | 'nativeMs' | 'nativeDurableMs'>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  let peakHeap = 0;
  // The idle tab's own footprint, so what the clone adds can be set against the pack.
  const idleRss = rendererRssMb();
  let peakRss = 0;
  let crashed = false;
  page.on('crash', () => {
    crashed = true;
  });
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rendererRssMb());
    cdp
      .send('Performance.getMetrics')
      .then((m) => {
        const heap = m.metrics.find((x) => x.name === 'JSHeapUsedSize')?.value ?? 0;
        peakHeap = Math.max(peakHeap, heap / 1e6);
      })
      .catch(() => {});
  }, 250);
  const t0 = performance.now();
  try {
    const result = await page.evaluate(({ url, fsName, mode }) => window.cloneWithAppCode(url, fsName, null, mode), {
      url: `${server.url}/admin/${name}.git`,
      fsName: `bench-${name}`,
      mode,
    });
    return {
      ok: true,
      ms: result.ms,
      what: `${result.files} files, ${(result.bytes / MiB).toFixed(0)} MiB checked out; phases ${Object.entries(
        result.phases,
      )
        .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
        .join(', ')}${checkoutRate(result.phases['Updating workdir'], result.files, result.bytes)}`,
      peakHeapMb: peakHeap,
      peakRendererRssMb: peakRss,
      idleRendererRssMb: idleRss,
    };
  } catch (error) {
    return {
      ok: false,
      ms: performance.now() - t0,
      what: crashed ? 'TAB CRASHED' : `failed: ${(error as Error).message.split('\n')[0]?.slice(0, 200)}`,
      peakHeapMb: peakHeap,
      peakRendererRssMb: peakRss,
      idleRendererRssMb: idleRss,
    };
  } finally {
    clearInterval(sampler);
  }
}

/** Clones a repository of `overMib` MiB in the real app page; returns what the user is shown. */
async function overTheCap(overMib: number): Promise<string> {
  await makeRepo('over-the-cap', overMib);
  const page = await chrome.context.newPage();
  let crashed = false;
  page.on('crash', () => {
    crashed = true;
  });
  await page.goto(`${server.url}/`);
  const t0 = performance.now();
  await page.getByTestId('clone-name').fill('admin/over-the-cap');
  await page.getByRole('button', { name: 'Clone' }).click();
  const message = await page
    .getByTestId('repo-error')
    .textContent({ timeout: 600_000 })
    .catch((e: Error) => `NO MESSAGE (${crashed ? 'tab crashed' : e.message.split('\n')[0]})`);
  const stillAlive = await page
    .evaluate(() => document.title)
    .then(() => true)
    .catch(() => false);
  const listed = await page
    .getByTestId('repo-item')
    .count()
    .catch(() => -1);

  return `${message} (${((performance.now() - t0) / 1000).toFixed(1)} s; tab alive: ${stillAlive}; repositories listed: ${listed})`;
}

const chrome = await launchChromium();
const outcomes: Outcome[] = [];
try {
  const failed = new Set<CloneMode>();
  for (const mib of SIZES) {
    const name = `random-${mib}`;
    await makeRepo(name, mib);
    const nativeDir = path.join(work, `native-${mib}`);
    warmFreeMemory(); // untimed, before every timed clone (lib.ts says why)
    const n0 = performance.now();
    await run('git', ['clone', '-q', `${server.url}/admin/${name}.git`, nativeDir]);
    const nativeMs = performance.now() - n0;
    fs.rmSync(nativeDir, { recursive: true, force: true });
    // The app's clone writes every byte durably (OPFS flush, IndexedDB commits) before it says
    // done; git does not fsync a clone's files. The same clone then `sync` shows the disk's part.
    warmFreeMemory();
    const d0 = performance.now();
    await run('sh', ['-c', `git clone -q '${server.url}/admin/${name}.git' '${nativeDir}' && sync -f '${nativeDir}'`]);
    const nativeDurableMs = performance.now() - d0;
    const packs = fs.readdirSync(path.join(nativeDir, '.git/objects/pack')).filter((f) => f.endsWith('.pack'));
    const packMib = packs.reduce((s, f) => s + fs.statSync(path.join(nativeDir, '.git/objects/pack', f)).size, 0) / MiB;
    fs.rmSync(nativeDir, { recursive: true, force: true });

    const modes: CloneMode[] = ['pack', ...(mib <= OLD_MAX_MIB ? (['isomorphic-git'] as const) : [])];
    for (const mode of modes.filter((m) => !failed.has(m))) {
      const page = await chrome.context.newPage();
      await page.goto(`${siteUrl}/index.html`);
      warmFreeMemory();
      const outcome = { mode, mib, packMib, nativeMs, nativeDurableMs, ...(await cloneInTab(page, name, mode)) };
      outcomes.push(outcome);
      console.log(
        `  ${mib} MiB (pack ${packMib.toFixed(0)} MiB), ${mode}: ${outcome.ok ? 'cloned' : 'FAILED'} in ${(outcome.ms / 1000).toFixed(1)} s ` +
          `(git CLI ${(nativeMs / 1000).toFixed(1)} s: ${(outcome.ms / nativeMs).toFixed(2)}× its time; ` +
          `git CLI + sync ${(nativeDurableMs / 1000).toFixed(1)} s: ${(outcome.ms / nativeDurableMs).toFixed(2)}×); ${outcome.what}; ` +
          `peak JS heap ${outcome.peakHeapMb.toFixed(0)} MB, peak renderer RSS ${outcome.peakRendererRssMb.toFixed(0)} MB ` +
          `(idle tab ${outcome.idleRendererRssMb.toFixed(0)} MB: the clone added ${addedPerPack(outcome)}× the pack)`,
      );
      await page.close().catch(() => {});
      // Free the disk the clone used before the next run.
      const cleaner = await chrome.context.newPage();
      await cleaner.goto(`${siteUrl}/index.html`);
      await cleaner.evaluate((fsName) => window.wipe(fsName), `bench-${name}`).catch(() => {});
      await cleaner.close();
      if (!outcome.ok) failed.add(mode);
    }
  }

  // What the user sees for a repository over the app's cap, in the real app (BENCH_CLONE_APP=0 skips it).
  const overMib = Math.ceil(CLONE_LIMIT_BYTES / MiB) + 16;
  const appStep = process.env.BENCH_CLONE_APP === '0' ? 'skipped' : await overTheCap(overMib);

  const largestOf = (mode: CloneMode) => outcomes.filter((o) => o.ok && o.mode === mode).at(-1);
  const largest = largestOf('pack');
  const largestOld = largestOf('isomorphic-git');
  const measurements: Measurement[] = outcomes.map((o) => ({
    name: `Chromium, ${o.mode === 'pack' ? 'app clone (pack)' : 'before (isomorphic-git clone)'} ${o.mib} MiB${o.ok ? '' : ' FAILED'}`,
    medianMs: o.ms,
    runs: [o.ms],
  }));
  const ratios = (mode: CloneMode) =>
    outcomes
      .filter((o) => o.ok && o.mode === mode)
      .map(
        (o) =>
          `${o.mib} MiB: ${(o.ms / o.nativeMs).toFixed(2)}× git CLI time (${(o.ms / o.nativeDurableMs).toFixed(2)}× git CLI + sync), peak renderer RSS +${addedPerPack(o)}× the pack`,
      )
      .join('; ') || 'none';
  const baselineOutcome = outcomes[0];
  report(
    'Cloning repositories of incompressible blobs in Chromium (one run per size; stops at the first failure)',
    {
      name: `git CLI clone ${baselineOutcome?.mib ?? 0} MiB`,
      medianMs: baselineOutcome?.nativeMs ?? 0,
      runs: [baselineOutcome?.nativeMs ?? 0],
    },
    measurements,
    {
      'app clone (pack), per size': ratios('pack'),
      'before (isomorphic-git), per size': ratios('isomorphic-git'),
      'largest repository cloned (pack)': largest
        ? `${largest.mib} MiB (pack ${largest.packMib.toFixed(0)} MiB)`
        : 'none',
      'largest repository cloned (before)': largestOld
        ? `${largestOld.mib} MiB (pack ${largestOld.packMib.toFixed(0)} MiB)`
        : 'none',
      'first failure': outcomes.find((o) => !o.ok)?.what ?? 'none up to the largest size tried',
      'app cap (CLONE_LIMIT_BYTES)': `${CLONE_LIMIT_BYTES / MiB} MiB`,
      [`app page, ${overMib} MiB repository`]: appStep,
    },
  );
} catch (error) {
  console.error('bench failed:', error);
  process.exitCode = 1;
} finally {
  await chrome.close().catch(() => {});
  await server.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
