/**
 * Reading git in the browser against the git CLI on the same repository, in this run: the app's
 * read side (core's GitRepoReader over the files isomorphic-git writes) and isomorphic-git's own
 * reads (what the app used before), each on Node's fs and on lightning-fs over fake-indexeddb
 * (the browser's file system over an in-memory IndexedDB: a stand-in for the browser, not the
 * browser itself). The repository is made with `git fast-import` (3,000 commits, each changing
 * 1–3 of 2,000 files in 40 folders) and packed with `git gc --aggressive`, as a clone leaves it.
 *
 * Parts (each a fresh reader per run: no tree or object cache carried over, packs read again):
 *   1. the whole commit walk                       vs `git log --format=…`
 *   2. the whole log with changed-file counts      vs `git log --format=… --name-only --no-renames`
 *   3. the History view's first page (50 + counts) vs `git log -n 50 --name-only --no-renames`
 *   4. recursive tree listing of HEAD              vs `git ls-tree -r HEAD`
 *   5. reading every blob at HEAD (2,000)          vs `git cat-file --batch` fed their ids
 * and the core reader's five again in headless Chromium (the app's own environment: packs in OPFS
 * read by range as new clones keep them, and all in lightning-fs on IndexedDB as older clones
 * do), against the same git figures. In Chromium a fresh reader first opens the storage: lists
 * the packs and reads the pack index and pack (about 6 ms for this 1.6 MB pack and 0.6 MB
 * index, begun when the read context is made, beside the ref reads; most of a tree listing's time), which the app does once per repository and tab
 * (repo-session.ts). So each part is also timed "in a repository session": a reader that has
 * not read these objects yet (no object or tree cache) over the pack list, index and pack the
 * session already opened; refs are read afresh, as the session reads them. That is what a view
 * change costs; git's own process start and its reading of the index from the OS's page cache
 * stay in git's figure.
 *
 * "Changed-file counts" are files changed against the first parent, from tree diffs alone (no
 * rename detection, no blob read): `--name-only --no-renames` is git doing that same work (and
 * printing the names). `--shortstat` would also read and diff every changed blob for line counts,
 * more work than the History view does, so it is not the baseline.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import nodeFs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import 'fake-indexeddb/auto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { GitTreeEntry } from '@cairn/core/git';
import git, { type FsClient } from 'isomorphic-git';
import { chromiumPath, launchChromium } from '../test/support/chromium.ts';
import { buildBenchPage } from './build-page.ts';
import { type BrowserPart, coreReads } from './history-walk-browser/core-reads.ts';
import type { ReaderKind, RepoLayout } from './history-walk-browser/main.ts';
import { type Measurement, median, report } from './lib.ts';

(globalThis as { navigator?: unknown }).navigator ??= {};
const { default: LightningFS } = await import('@isomorphic-git/lightning-fs');

const COMMITS = 3000;
const FILES = 2000;
const dir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-history-'));

function fastImportStream(): string {
  const out: string[] = [];
  const files = Array.from({ length: FILES }, (_, i) => `src/m${i % 40}/f${i}.py`);
  let mark = 0;
  for (let c = 0; c < COMMITS; c++) {
    const ts = 1_700_000_000 + c * 60;
    out.push('commit refs/heads/main', `mark :${++mark}`, `committer Bench <b@example.org> ${ts} +0000`);
    const msg = `Commit ${c}: tune step ${c % 17}`;
    out.push(`data ${Buffer.byteLength(msg)}`, msg);
    if (c > 0) out.push(`from :${mark - 1}`);
    const touched = c === 0 ? files : files.filter((_, i) => (i * 7919 + c * 104729) % FILES < 1 + (c % 3));
    for (const f of touched) {
      const body = `# ${f}\nVALUE = ${c}\n`;
      out.push(`M 100644 inline ${f}`, `data ${Buffer.byteLength(body)}`, body);
    }
    out.push('');
  }
  return out.join('\n');
}

execFileSync('git', ['init', '-q', '-b', 'main', dir]);
execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: fastImportStream() });
execFileSync('git', ['gc', '-q', '--aggressive'], { cwd: dir });
execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: dir });
const count = execFileSync('git', ['rev-list', '--count', 'main'], { cwd: dir, encoding: 'utf8' }).trim();
const headBlobs = execFileSync('git', ['ls-tree', '-r', '--object-only', 'HEAD'], { cwd: dir, encoding: 'utf8' })
  .trim()
  .split('\n');

// The same packed .git, copied into lightning-fs (the browser's file system) over fake-indexeddb.
const lfs = new LightningFS('bench-history', { wipe: true });
async function copyGitDir(from: string, to: string): Promise<void> {
  await lfs.promises.mkdir(to).catch(() => {});
  for (const entry of nodeFs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = `${to}/${entry.name}`;
    if (entry.isDirectory()) await copyGitDir(src, dst);
    else await lfs.promises.writeFile(dst, nodeFs.readFileSync(src));
  }
}
await lfs.promises.mkdir('/repo');
await copyGitDir(path.join(dir, '.git'), '/repo/.git');

const cli = (args: string[], input?: string) => {
  const r = spawnSync('git', args, { cwd: dir, maxBuffer: 1 << 28, ...(input ? { input } : {}) });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
};
const FORMAT = '--format=%H %an %at %s';

// The two readers on the two file systems; a fresh one per run.
const sides = [
  { label: 'Node fs', fs: nodeFs as unknown as FsClient, dir },
  { label: 'lightning-fs', fs: lfs as unknown as FsClient, dir: '/repo' },
];

/** The app's tree diff before core's reader: parsed entries matched by name, changed subtrees recursed. */
async function diffEntries(
  readTree: (oid: string) => Promise<GitTreeEntry[]>,
  a: string | null,
  b: string | null,
): Promise<number> {
  if (a === b) return 0;
  const [left, right] = await Promise.all([a ? readTree(a) : [], b ? readTree(b) : []]);
  const byName = new Map<string, [GitTreeEntry | undefined, GitTreeEntry | undefined]>();
  for (const e of left) byName.set(e.name, [e, undefined]);
  for (const e of right) byName.set(e.name, [byName.get(e.name)?.[0], e]);
  let n = 0;
  for (const [l, r] of byName.values()) {
    if (l && r && l.oid === r.oid && l.type === r.type) continue;
    const lTree = l?.type === 'tree' ? l.oid : null;
    const rTree = r?.type === 'tree' ? r.oid : null;
    if (lTree || rTree) n += await diffEntries(readTree, lTree, rTree);
    if ((l && l.type !== 'tree') || (r && r.type !== 'tree')) n++;
  }
  return n;
}

/** isomorphic-git as the app read before: its log, readTree and readBlob with one shared cache. */
function isoGit(fs: FsClient, repoDir: string) {
  const cache = {};
  const trees = new Map<string, GitTreeEntry[]>();
  const readTree = async (oid: string) => {
    let t = trees.get(oid);
    if (!t) {
      const { tree } = await git.readTree({ fs, dir: repoDir, oid, cache });
      t = tree.map((e) => ({ name: e.path, mode: e.mode, type: e.type, oid: e.oid }));
      trees.set(oid, t);
    }
    return t;
  };
  const treeOf = async (oid: string) => (await git.readCommit({ fs, dir: repoDir, oid, cache })).commit.tree;
  return {
    log: (depth?: number) => git.log({ fs, dir: repoDir, ref: 'main', cache, ...(depth ? { depth } : {}) }),
    async logWithCounts(depth?: number) {
      const log = await git.log({ fs, dir: repoDir, ref: 'main', cache, ...(depth ? { depth } : {}) });
      let n = 0;
      for (const c of log) {
        const parent = c.commit.parent[0];
        n += await diffEntries(readTree, parent ? await treeOf(parent) : null, c.commit.tree);
      }
      return n;
    },
    async listTree() {
      const paths: string[] = [];
      const walk = async (oid: string, prefix: string): Promise<void> => {
        for (const e of await readTree(oid)) {
          if (e.type === 'tree') await walk(e.oid, `${prefix}${e.name}/`);
          else paths.push(`${prefix}${e.name}`);
        }
      };
      await walk(await treeOf(await git.resolveRef({ fs, dir: repoDir, ref: 'HEAD' })), '');
      return paths;
    },
    async readBlobs(oids: readonly string[]) {
      let bytes = 0;
      for (const oid of oids) bytes += (await git.readBlob({ fs, dir: repoDir, oid, cache })).blob.length;
      return bytes;
    },
  };
}

/** The app's read side: core's GitRepoReader in a fresh read context (the Chromium part times the same). */
const core = coreReads;

// Every reader must give git's answers before it is timed.
const expectedCounts = cli(['log', '--format=', '--name-only', '--no-renames', 'main'])
  .toString()
  .split('\n')
  .filter(Boolean).length;
for (const s of sides) {
  const got = await core(s.fs, s.dir).logWithCounts();
  if (got !== expectedCounts) throw new Error(`core on ${s.label}: ${got} changed files, git says ${expectedCounts}`);
  const listed = (await core(s.fs, s.dir).listTree()).length;
  if (listed !== headBlobs.length) throw new Error(`core on ${s.label} lists ${listed} files, git ${headBlobs.length}`);
}

/**
 * Wall time and CPU time of each run. The machines running this are shared, and under load wall
 * time measures the neighbours as much as the code; CPU time (this process for the readers, the
 * git child as bash's `times` reports it) is the steadier comparison. Both are printed.
 */
async function timed(
  name: string,
  fn: () => unknown,
  runs: number,
  warmup = 1,
): Promise<{ wall: Measurement; cpu: Measurement }> {
  for (let i = 0; i < warmup; i++) await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: { name, medianMs: median(wall), runs: wall }, cpu: { name, medianMs: median(cpu), runs: cpu } };
}

const GIT_BATCH = 10;
const stdinFile = path.join(os.tmpdir(), `cairn-bench-history-stdin-${process.pid}`);

/**
 * git's wall and CPU milliseconds per run, measured by bash around `GIT_BATCH` runs back to back
 * (bash's `time` for wall, `times` for its children's user + system), as a person timing the
 * command in a shell would; Node's spawn of bash is outside both. One run at a time read 1 ms
 * ticks for 2–3 ms commands, and its wall time from Node counted Node forking a child.
 */
function gitTimes(args: string[], input?: string): { wall: number; cpu: number } {
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  if (input !== undefined) nodeFs.writeFileSync(stdinFile, input);
  const redirect = input !== undefined ? ` < '${stdinFile}'` : '';
  const script = [
    'TIMEFORMAT=%3R',
    `time { for i in $(seq ${GIT_BATCH}); do git ${quoted}${redirect} > /dev/null || exit 1; done; }`,
    'times',
  ].join('\n');
  const r = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  // `time` prints the loop's wall seconds on stderr ("0.052"); `times` prints the shell's own
  // user/system, then its children's ("0m0.061s 0m0.004s").
  const wall = Number(r.stderr.trim().split('\n').pop()) * 1000;
  const children = r.stdout.trim().split('\n').pop() ?? '';
  const cpu = children
    .split(' ')
    .map((t) => /^(\d+)m([\d.]+)s$/.exec(t))
    .reduce((ms, m) => ms + (m ? (Number(m[1]) * 60 + Number(m[2])) * 1000 : 0), 0);
  if (!Number.isFinite(wall) || cpu === 0) throw new Error(`could not read bash's timings: ${r.stdout} ${r.stderr}`);
  return { wall: wall / GIT_BATCH, cpu: cpu / GIT_BATCH };
}

const RUNS = { cli: 7, core: 5, iso: 3 };

interface Reader {
  name: string;
  run: () => unknown;
  runs: number;
  warmup?: number;
  /**
   * Timed after every part's git and core figures: isomorphic-git's runs leave this process
   * holding a heap of gigabytes, and git measured after them spent ~10 ms more CPU per run (in
   * the kernel, finding memory: ls-tree 2.3 → 11.9 ms, 5× what `perf stat` gives it by hand).
   */
  last?: boolean;
}

/** One part's figures, printed once every part has run. */
const parts: {
  title: string;
  extra: Record<string, string>;
  git: { wall: Measurement; cpu: Measurement };
  readers: Reader[];
  rows: Map<Reader, { wall: Measurement; cpu: Measurement }>;
}[] = [];

/** One part: git's figure and the readers' (those marked `last` are timed later; see Reader). */
async function part(
  title: string,
  gitName: string,
  gitArgs: string[],
  readers: Reader[],
  extra: Record<string, string> = {},
  input?: string,
): Promise<void> {
  // git's per-run figures, each from a batch of runs under bash (see gitTimes).
  const gitRuns = Array.from({ length: RUNS.cli }, () => gitTimes(gitArgs, input));
  const wallRuns = gitRuns.map((r) => r.wall);
  const cpuRuns = gitRuns.map((r) => r.cpu);
  const git = {
    wall: { name: gitName, medianMs: median(wallRuns), runs: wallRuns },
    cpu: { name: gitName, medianMs: median(cpuRuns), runs: cpuRuns },
  };
  const rows = new Map<Reader, { wall: Measurement; cpu: Measurement }>();
  for (const r of readers) if (!r.last) rows.set(r, await timed(r.name, r.run, r.runs, r.warmup));
  parts.push({ title, extra, git, readers, rows });
}

/** Times the readers left for last, then prints every part as wall time and as CPU time. */
async function finish(): Promise<void> {
  for (const p of parts) {
    for (const r of p.readers) if (r.last) p.rows.set(r, await timed(r.name, r.run, r.runs, r.warmup));
  }
  for (const p of parts) {
    const rows = p.readers.map((r) => p.rows.get(r) as { wall: Measurement; cpu: Measurement });
    report(
      `${p.title} — wall time`,
      p.git.wall,
      rows.map((r) => r.wall),
      p.extra,
    );
    report(
      `${p.title} — CPU time`,
      p.git.cpu,
      rows.map((r) => r.cpu),
    );
  }
}

const readersFor = (
  coreRun: (r: ReturnType<typeof core>) => unknown,
  isoRun: (r: ReturnType<typeof isoGit>) => unknown,
  isoRuns = RUNS.iso,
) => [
  ...sides.map((s) => ({ name: `core reader, ${s.label}`, run: () => coreRun(core(s.fs, s.dir)), runs: RUNS.core })),
  ...sides.map((s) => ({
    name: `isomorphic-git, ${s.label}`,
    run: () => isoRun(isoGit(s.fs, s.dir)),
    runs: isoRuns,
    warmup: isoRuns > 1 ? 1 : 0,
    last: true,
  })),
];

await part(
  `1. Walking all ${count} commits`,
  'git log (all commits)',
  ['log', FORMAT, 'main'],
  readersFor(
    (r) => r.log(),
    (r) => r.log(),
  ),
);

await part(
  `2. The whole log (${count} commits) with changed-file counts`,
  'git log --name-only --no-renames',
  ['log', FORMAT, '--name-only', '--no-renames', 'main'],
  // isomorphic-git takes ~100× as long here: one run each is enough to place it.
  readersFor(
    (r) => r.logWithCounts(),
    (r) => r.logWithCounts(),
    1,
  ),
  { 'changed files in all commits': String(expectedCounts) },
);

const firstPageCount = await core(nodeFs as unknown as FsClient, dir).firstPage();
await part(
  '3. Opening the History view (first 50 commits with changed-file counts)',
  'git log -n 50 --name-only --no-renames',
  ['log', '-n', '50', FORMAT, '--name-only', '--no-renames', 'main'],
  [
    ...sides.map((s) => ({
      name: `readLog first 50 + counts, ${s.label}`,
      run: () => core(s.fs, s.dir).firstPage(),
      runs: RUNS.core,
    })),
    ...sides.map((s) => ({
      name: `isomorphic-git first 50 + counts, ${s.label}`,
      run: () => isoGit(s.fs, s.dir).logWithCounts(51),
      runs: RUNS.iso,
      last: true,
    })),
  ],
  { 'changed files in the first page': String(firstPageCount) },
);

await part(
  `4. Listing HEAD's tree recursively (${headBlobs.length} files)`,
  'git ls-tree -r HEAD',
  ['ls-tree', '-r', 'HEAD'],
  readersFor(
    (r) => r.listTree(),
    (r) => r.listTree(),
  ),
);

await part(
  `5. Reading the ${headBlobs.length} blobs at HEAD`,
  'git cat-file --batch',
  ['cat-file', '--batch'],
  readersFor(
    (r) => r.readBlobs(headBlobs),
    (r) => r.readBlobs(headBlobs),
  ),
  {},
  `${headBlobs.join('\n')}\n`,
);

/** The Chromium part's reports, printed after the Node parts'. */
const chromiumReports: (() => void)[] = [];

/**
 * The same reads in headless Chromium, where the app runs them: the .git copied into the browser
 * in both layouts the app reads (packs in OPFS read by range, as new clones keep them; everything
 * in lightning-fs on IndexedDB, as older clones do), each run a fresh reader, timed in the page (wall) and as the page's
 * main-thread CPU (CDP Performance.getMetrics ThreadTime: the JavaScript thread only, not V8's
 * helper threads, which the Node figures include). Against git's figures from the parts above.
 */
async function inChromium(): Promise<void> {
  if (!chromiumPath) {
    console.log('\n## In Chromium: skipped, no Chromium at CHROME_PATH or /usr/bin/chromium');
    return;
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  const site = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-history-site-'));
  await buildBenchPage(path.join(here, 'history-walk-browser'), site);
  const gitDir = path.join(dir, '.git');
  const files: string[] = [];
  const list = (rel: string) => {
    for (const e of nodeFs.readdirSync(path.join(gitDir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) list(r);
      else files.push(r);
    }
  };
  list('');
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const root = rel.startsWith('/git/') ? gitDir : site;
    const file = path.join(root, rel.startsWith('/git/') ? rel.slice(5) : rel === '/' ? 'index.html' : rel);
    if (!file.startsWith(root) || !nodeFs.existsSync(file) || nodeFs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    const type = file.endsWith('.html') ? 'text/html' : file.endsWith('.js') ? 'text/javascript' : undefined;
    res.writeHead(200, type ? { 'Content-Type': type } : {});
    nodeFs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const chrome = await launchChromium();
  try {
    const page = await chrome.context.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => typeof window.historyRun === 'function', null, { timeout: 60_000 });
    await page.evaluate((f) => window.loadRepo(f), files);
    const cdp = await chrome.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const threadTime = async () =>
      ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime')?.value ?? 0) * 1000;
    const run = (part: BrowserPart, layout: RepoLayout, kind: ReaderKind) =>
      page.evaluate(([p, b, l, k]) => window.historyRun(p, b, l, k), [
        part,
        part === 'readBlobs' ? headBlobs : [],
        layout,
        kind,
      ] as const);
    // The page must give git's answers before it is timed.
    const expected: Record<BrowserPart, number> = {
      log: Number(count),
      logWithCounts: expectedCounts,
      firstPage: firstPageCount,
      listTree: headBlobs.length,
      readBlobs: await core(nodeFs as unknown as FsClient, dir).readBlobs(headBlobs),
    };
    const order: BrowserPart[] = ['log', 'logWithCounts', 'firstPage', 'listTree', 'readBlobs'];
    const layouts: { layout: RepoLayout; kind: ReaderKind; name: string }[] = [
      { layout: 'opfs-packs', kind: 'fresh', name: 'core reader in Chromium, packs in OPFS by range (new clones)' },
      { layout: 'lightning-fs', kind: 'fresh', name: 'core reader in Chromium, all in lightning-fs (older clones)' },
      {
        layout: 'opfs-packs',
        kind: 'session',
        name: 'in a repository session (packs in OPFS opened, objects not read yet)',
      },
    ];
    for (const [i, part] of order.entries()) {
      const wall = layouts.map(() => [] as number[]);
      const cpu = layouts.map(() => [] as number[]);
      for (const { layout, kind } of layouts) {
        const { answer } = await run(part, layout, kind);
        if (answer !== expected[part]) {
          throw new Error(`Chromium ${part} (${layout}, ${kind}): ${answer}, git says ${expected[part]}`);
        }
      }
      // The layouts in turn each round, so a load change on this shared machine hits both alike.
      for (let r = 0; r < RUNS.cli; r++) {
        for (const [l, { layout, kind }] of layouts.entries()) {
          const t0 = await threadTime();
          wall[l]?.push((await run(part, layout, kind)).ms);
          cpu[l]?.push((await threadTime()) - t0);
        }
      }
      const p = parts[i] as (typeof parts)[number];
      const rows = (times: number[][]) =>
        layouts.map(({ name }, l) => ({ name, medianMs: median(times[l] ?? []), runs: times[l] ?? [] }));
      chromiumReports.push(() => {
        report(`${p.title} — in Chromium, wall time in the page`, p.git.wall, rows(wall));
        report(`${p.title} — in Chromium, main-thread CPU time`, p.git.cpu, rows(cpu));
      });
    }
  } finally {
    await chrome.close();
    server.close();
    nodeFs.rmSync(site, { recursive: true, force: true });
  }
}
// Before isomorphic-git's runs (see Reader.last), printed after the Node parts.
await inChromium();
await finish();
for (const print of chromiumReports) print();

nodeFs.rmSync(dir, { recursive: true, force: true });
nodeFs.rmSync(stdinFile, { force: true });
