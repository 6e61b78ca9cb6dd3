/**
 * A second `cairn status` over a tracked folder of 10,000 files with nothing changed, against the
 * first one (which hashes every file) in the same run. Measured twice: the status work itself
 * in this process (`collectChanges`, what the remembered hashes change), and the real CLI process,
 * whose start-up (tsx loading the TypeScript sources) is the same for both and printed apart.
 * The first run is measured with the remembered hashes deleted before each run; the second with
 * them kept. Target: second ≤ 0.1× first. Data is generated in a temporary folder and deleted.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectChanges } from '../packages/cli/src/commands/status.ts';
import { openRepo } from '../packages/cli/src/repo.ts';
import { measure, report } from './lib.ts';

const N = Number(process.env.STATUS_BENCH_FILES ?? 10_000);
const BIN = fileURLToPath(new URL('../packages/cli/bin/cairn.js', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-status-bench-'));
const repo = path.join(tmp, 'repo');
const data = path.join(repo, 'data');
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
  fs.mkdirSync(path.join(repo, '.dvc'));
  cairn('add', '-q', 'data');
  const stateFile = path.join(repo, '.dvc/tmp/cairn-hashes.json');
  const opts = { runs: 5, warmup: 1 };
  const inFirst = await measure(
    'first status, in process (hashes every file)',
    async () => {
      fs.rmSync(stateFile, { force: true });
      await collectChanges(openRepo(repo));
    },
    opts,
  );
  await collectChanges(openRepo(repo));
  const inSecond = await measure(
    'second status, in process (nothing changed)',
    async () => {
      if ((await collectChanges(openRepo(repo))).length !== 0) throw new Error('status found changes');
    },
    opts,
  );
  report(`cairn status work over ${N} tracked files, in process`, inFirst, [inSecond], {
    'second / first': `${(inSecond.medianMs / inFirst.medianMs).toFixed(3)}× (target ≤ 0.1×)`,
  });
  const first = await measure(
    'first cairn status (hashes every file)',
    () => {
      fs.rmSync(stateFile, { force: true });
      cairn('status');
    },
    opts,
  );
  cairn('status');
  const second = await measure('second cairn status (nothing changed)', () => cairn('status'), opts);
  const help = await measure('cairn --help (start-up only)', () => spawnSync(process.execPath, [BIN, '--help']), opts);
  const out = cairn('status');
  if (!out.includes('up to date')) throw new Error(`status found changes in an unchanged folder: ${out}`);
  report(
    `cairn status over ${N} tracked files (${(bytes / 2 ** 20).toFixed(1)} MiB), CLI process`,
    first,
    [second, help],
    {
      'second / first': `${(second.medianMs / first.medianMs).toFixed(3)}× (target ≤ 0.1×)`,
      'second minus start-up / first minus start-up': `${((second.medianMs - help.medianMs) / (first.medianMs - help.medianMs)).toFixed(3)}×`,
    },
  );
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
