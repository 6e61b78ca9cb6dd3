/**
 * Opening a 3,000-commit history: the app's read side (isomorphic-git) against `git log` on the
 * same repository, in this run. The repository is made with `git fast-import` (3,000 commits,
 * each changing 1–3 of 2,000 files in 40 folders) and packed, as a clone leaves it.
 *
 * Figures: the full commit walk (what `git log` prints), and "open the history page" — the first
 * 50 commits with their changed-file counts, which is what the History view shows first. The
 * app's side runs on Node's fs and on lightning-fs over fake-indexeddb (the browser's file system
 * over an in-memory IndexedDB: a stand-in for the browser, not the browser itself).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import nodeFs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import 'fake-indexeddb/auto';
import { makeReadContext } from '../app/src/git/read-context.ts';
import { readLog, walkCommits } from '../app/src/git/read-log.ts';
import { measure, report } from './lib.ts';

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

const gitLogAll = () => spawnSync('git', ['log', '--format=%H %an %at %s', 'main'], { cwd: dir, maxBuffer: 1 << 28 });
const gitLogPage = () =>
  spawnSync('git', ['log', '-n', '50', '--format=%H %an %at %s', '--shortstat', 'main'], { cwd: dir });

// A fresh read context per run: no tree cache carried over, as when the History view first opens.
const nodeCtx = () => makeReadContext(nodeFs, dir);
const lfsCtx = () => makeReadContext(lfs, '/repo');

const base = await measure('git log (all commits)', gitLogAll, { runs: 5 });
const nodeAll = await measure('isomorphic-git walk, Node fs', async () => walkCommits(nodeCtx(), 'main'), { runs: 5 });
const lfsAll = await measure('isomorphic-git walk, lightning-fs', async () => walkCommits(lfsCtx(), 'main'), {
  runs: 3,
});
report(`Walking all ${count} commits`, base, [nodeAll, lfsAll]);

const page = await measure('git log -n 50 --shortstat', gitLogPage, { runs: 7 });
const nodePage = await measure(
  'readLog first 50 + counts, Node fs',
  async () => readLog(nodeCtx(), 'main', { limit: 50 }),
  { runs: 5 },
);
const lfsPage = await measure(
  'readLog first 50 + counts, lightning-fs',
  async () => readLog(lfsCtx(), 'main', { limit: 50 }),
  { runs: 3 },
);
const first = await readLog(nodeCtx(), 'main', { limit: 50 });
report('Opening the History view (first 50 commits with changed-file counts)', page, [nodePage, lfsPage], {
  'changed files in the first page': String(first.commits.reduce((n, c) => n + c.changedFiles, 0)),
});

nodeFs.rmSync(dir, { recursive: true, force: true });
