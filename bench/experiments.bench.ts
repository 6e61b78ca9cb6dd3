/**
 * Experiments benchmarks (Node; the table model is the same code the browser runs, drawing is
 * not measured here):
 * - 10,000 runs × 100 columns: sort by a metric, sort by a text param, filter with the core
 *   filter language — against a plain Array.sort of the numbers as baseline;
 * - git experiments over a 1,000-commit history read through the app's reader (isogit-reader.ts:
 *   refs via isomorphic-git, objects via core's pack/loose reader + fflate, on node fs here and
 *   lightning-fs in the browser) against `git log -p` of the same files with the native git CLI,
 *   in the same run: a cold scan (time to the first table), a rescan in the same session, and a
 *   new session over the scan cache (what a reload does; entries go through structuredClone as
 *   they would through IndexedDB).
 */
import { execFileSync, execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitExperimentScanner, type ScanCache, type ScanCacheEntry } from '@cairn/core/experiments';
import * as git from 'isomorphic-git';
import { makeIsoGitReader } from '../app/src/experiments/isogit-reader.ts';
import { type Column, parseColumnId } from '../app/src/experiments/run-columns.ts';
import { filterRuns, sortRuns } from '../app/src/experiments/run-table.ts';
import { makeRuns } from '../app/src/experiments/test-runs.test-support.ts';
import { measure, report } from './lib.ts';

const runs = makeRuns(10_000, 50, 50);
const col = (id: string) => parseColumnId(id) as Column;
const values = runs.map((r) => r.metrics.m7 as number);
const base = await measure('Array.sort of 10,000 numbers', () => [...values].sort((a, b) => a - b));
const sortMetric = await measure('sort 10k runs by metric', () => sortRuns(runs, col('metric:m7'), 'desc'));
const sortParam = await measure('sort 10k runs by text param', () => sortRuns(runs, col('param:p0'), 'asc'));
const filter = await measure('filter 10k runs', () =>
  filterRuns(runs, "metrics.m3 > 1.5 AND params.p0 IN ('adam', 'sgd')"),
);
report('runs table, 10,000 runs × 100 columns (targets: sort < 50 ms, filter < 50 ms)', base, [
  sortMetric,
  sortParam,
  filter,
]);

// A 1,000-commit history: each commit writes metrics.csv and params.yml, plus unrelated files.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-exp-bench-'));
try {
  let stream = '';
  const blob = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  for (let i = 0; i < 1000; i++) {
    stream += `commit refs/heads/main\ncommitter Ada <ada@example.com> ${1_700_000_000 + i * 60} +0000\n${blob(`commit ${i}`)}`;
    stream += `M 100644 inline params.yml\n${blob(`lr: ${i / 1000}\nmodel:\n  depth: ${i % 7}\n`)}`;
    stream += `M 100644 inline metrics.csv\n${blob(`Name,Value,Timestamp,Step\n"loss",${1 / (i + 1)},${1_700_000_000_000 + i},1\r\n"acc",${i / 1000},${1_700_000_000_000 + i},1\r\n`)}`;
    stream += `M 100644 inline src/file${i % 50}.py\n${blob(`print(${i})\n`)}`;
  }
  execSync('git init -q -b main . && git fast-import --quiet', { cwd: dir, input: stream });
  execSync('git checkout -q main', { cwd: dir });
  const native = await measure(
    'git log -p -- metrics.csv params.yml (native)',
    () =>
      execFileSync('git', ['log', '-p', '--all', '--', 'metrics.csv', 'params.yml'], { cwd: dir, maxBuffer: 1 << 28 }),
    { runs: 5 },
  );
  const coldScan = async () => {
    const found = await new GitExperimentScanner(makeIsoGitReader(git, fs, dir)).scan();
    if (found.length !== 1000) throw new Error(`expected 1000 runs, found ${found.length}`);
  };
  // The very first scan also compiles the scanner's code (a first visit in the browser does too).
  const first = await measure('first scan in this process (code not yet optimised)', coldScan, {
    runs: 1,
    warmup: 0,
  });
  const scan = await measure('scan git experiments (app reader, cold caches)', coldScan, { runs: 7 });
  const scanner = new GitExperimentScanner(makeIsoGitReader(git, fs, dir));
  await scanner.scan();
  const rescan = await measure('rescan with nothing new (warm caches)', () => scanner.scan(), { runs: 5 });
  const stored: ScanCacheEntry[] = [];
  const cache: ScanCache = {
    load: async () => structuredClone(stored),
    save: async (entries) => {
      stored.push(...structuredClone(entries));
    },
  };
  await new GitExperimentScanner(makeIsoGitReader(git, fs, dir), { cache }).scan();
  const reload = await measure(
    'new session over the scan cache (reload)',
    () => new GitExperimentScanner(makeIsoGitReader(git, fs, dir), { cache }).scan(),
    { runs: 5 },
  );
  report('git experiments over 1,000 commits (aim ≤ 5× native)', native, [first, scan, rescan, reload], {
    'cold scan / native': `${(scan.medianMs / native.medianMs).toFixed(2)}×`,
  });
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
