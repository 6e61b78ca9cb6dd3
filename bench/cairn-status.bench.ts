/**
 * A second `cairn status` over a tracked folder of 10,000 files with nothing changed, against the
 * first one (which hashes every file) in the same run. Measured twice: the status work itself
 * in this process (`collectChanges`, what the remembered hashes change), and the real CLI process,
 * whose start-up (tsx loading the TypeScript sources) is the same for both and printed apart.
 * The first run is measured with the remembered hashes deleted before each run; the second with
 * them kept. Target: second ≤ 0.1× first. Data is generated in a temporary folder and deleted.
 *
 * Wall time and CPU time are both printed: on a shared machine wall time measures the neighbours
 * as much as the code. CPU time is this process's (all threads, so the first status's hashing
 * workers count) for the in-process parts, and the child's as bash's `times` reports it for the
 * CLI. A CLI run cannot go below Node's own start-up (`node -e 0`, printed too).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectChanges } from '../packages/cli/src/commands/status.ts';
import { openRepo } from '../packages/cli/src/repo.ts';
import { type Measurement, median, report } from './lib.ts';

const N = Number(process.env.STATUS_BENCH_FILES ?? 10_000);
const BIN = fileURLToPath(new URL('../packages/cli/bin/cairn.js', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-status-bench-'));
const repo = path.join(tmp, 'repo');
const data = path.join(repo, 'data');
/** Wall and CPU medians of `fn` (CPU: this process's, plus what `fn` returns as its child's). */
async function measureBoth(
  name: string,
  fn: () => unknown,
  opts: { runs: number; warmup: number },
): Promise<{ wall: Measurement; cpu: Measurement }> {
  for (let i = 0; i < opts.warmup; i++) await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const child = await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000 + (typeof child === 'number' ? child : 0));
  }
  return { wall: { name, medianMs: median(wall), runs: wall }, cpu: { name, medianMs: median(cpu), runs: cpu } };
}

/** Runs `node ARGS` under bash and returns the CPU milliseconds the child used (user + system). */
function nodeCpu(args: string[]): number {
  const quoted = [process.execPath, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('bash', ['-c', `${quoted} > /dev/null || exit 1; times`], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
  // `times` prints the shell's own user/system, then its children's: "0m0.061s 0m0.004s".
  return (r.stdout.trim().split('\n').pop() ?? '')
    .split(' ')
    .map((t) => /^(\d+)m([\d.]+)s$/.exec(t))
    .reduce((ms, m) => ms + (m ? (Number(m[1]) * 60 + Number(m[2])) * 1000 : 0), 0);
}

const cairn = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cairn ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
};

try {
  fs.mkdirSync(data, { recursive: true });
  const pool = randomBytes(10 * 1024 + 4096);
  let bytes = 0;
  // Files written a minute ago, as data usually is (younger files are re-read: the racy rule).
  const then = new Date(Date.now() - 60_000);
  for (let i = 0; i < N; i++) {
    const size = 1024 + ((i * 7919) % (9 * 1024 + 1));
    const sub = path.join(data, `d${i % 50}`);
    if (i < 50) fs.mkdirSync(sub);
    const file = path.join(sub, `f${i}.bin`);
    fs.writeFileSync(file, pool.subarray(i % 4096, (i % 4096) + size));
    fs.utimesSync(file, then, then);
    bytes += size;
  }
  // As `dvc init` leaves a repository: with its comment-only .dvcignore (what nearly every DVC
  // repository has, and what once made every walked file go through pattern matching).
  cairn('init', '--no-scm', '-q');
  cairn('add', '-q', 'data');
  const stateFile = path.join(repo, '.dvc/tmp/cairn-hashes.json');
  const opts = { runs: 5, warmup: 1 };
  const ratio = (second: Measurement, first: Measurement) =>
    `${(second.medianMs / first.medianMs).toFixed(3)}× (target ≤ 0.1×)`;
  const inFirst = await measureBoth(
    'first status, in process (hashes every file)',
    async () => {
      fs.rmSync(stateFile, { force: true });
      await collectChanges(openRepo(repo));
    },
    opts,
  );
  await collectChanges(openRepo(repo));
  const inSecond = await measureBoth(
    'second status, in process (nothing changed)',
    async () => {
      if ((await collectChanges(openRepo(repo))).length !== 0) throw new Error('status found changes');
    },
    opts,
  );
  report(`cairn status work over ${N} tracked files, in process — wall time`, inFirst.wall, [inSecond.wall], {
    'second / first': ratio(inSecond.wall, inFirst.wall),
  });
  report(`cairn status work over ${N} tracked files, in process — CPU time`, inFirst.cpu, [inSecond.cpu], {
    'second / first': ratio(inSecond.cpu, inFirst.cpu),
  });
  // Wall time from direct runs; CPU time from runs under bash (whose own start-up is not counted).
  const first = await measureBoth(
    'first cairn status (hashes every file)',
    () => {
      fs.rmSync(stateFile, { force: true });
      return nodeCpu([BIN, 'status']);
    },
    opts,
  );
  const firstWall = await measureBoth(
    'first cairn status (hashes every file)',
    () => {
      fs.rmSync(stateFile, { force: true });
      cairn('status');
    },
    opts,
  );
  cairn('status');
  const second = await measureBoth('second cairn status (nothing changed)', () => nodeCpu([BIN, 'status']), opts);
  const secondWall = await measureBoth('second cairn status (nothing changed)', () => cairn('status'), opts);
  const help = await measureBoth('cairn --help (start-up only)', () => nodeCpu([BIN, '--help']), opts);
  const helpWall = await measureBoth(
    'cairn --help (start-up only)',
    () => spawnSync(process.execPath, [BIN, '--help']),
    opts,
  );
  const bare = await measureBoth("node -e 0 (Node's own start-up)", () => nodeCpu(['-e', '0']), opts);
  const out = cairn('status');
  if (!out.includes('up to date')) throw new Error(`status found changes in an unchanged folder: ${out}`);
  const title = `cairn status over ${N} tracked files (${(bytes / 2 ** 20).toFixed(1)} MiB), CLI process`;
  report(`${title} — wall time`, firstWall.wall, [secondWall.wall, helpWall.wall], {
    'second / first': ratio(secondWall.wall, firstWall.wall),
    'second minus start-up / first minus start-up': `${((secondWall.wall.medianMs - helpWall.wall.medianMs) / (firstWall.wall.medianMs - helpWall.wall.medianMs)).toFixed(3)}×`,
  });
  // The child's CPU (this process only waits): what the CLI costs, start-up included.
  const child = (m: { cpu: Measurement }) => m.cpu;
  report(`${title} — CPU time`, child(first), [child(second), child(help), child(bare)], {
    'second / first': ratio(child(second), child(first)),
    'second minus start-up / first minus start-up': `${((child(second).medianMs - child(help).medianMs) / (child(first).medianMs - child(help).medianMs)).toFixed(3)}×`,
    'floor: node -e 0 / first': `${(child(bare).medianMs / child(first).medianMs).toFixed(3)}×`,
  });
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
