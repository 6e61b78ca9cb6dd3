/**
 * `cairn add` of a folder of 10,000 files of 1–10 KiB (the real CLI process: hashing on worker
 * threads, objects written into .dvc/cache, the .dvc file written) against `md5sum` (via
 * xargs on both cores) + `cp -r` of the same files, in the same run. Target: at most 1.5× their
 * time. Data is generated in a temporary folder and deleted.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, report } from './lib.ts';

const N = Number(process.env.ADD_BENCH_FILES ?? 10_000);
const BIN = fileURLToPath(new URL('../packages/cli/bin/cairn.js', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-add-bench-'));
const repo = path.join(tmp, 'repo');
const data = path.join(repo, 'data');

try {
  fs.mkdirSync(data, { recursive: true });
  const pool = randomBytes(10 * 1024 + 4096);
  let bytes = 0;
  for (let i = 0; i < N; i++) {
    const size = 1024 + ((i * 7919) % (9 * 1024 + 1));
    const sub = path.join(data, `d${i % 50}`);
    if (i < 50) fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, `f${i}.bin`), pool.subarray(i % 4096, (i % 4096) + size));
    bytes += size;
  }
  fs.mkdirSync(path.join(repo, '.dvc'));
  const opts = { runs: 3, warmup: 1 };
  const base = await measure(
    'md5sum (xargs -P2) + cp -r',
    () => {
      fs.rmSync(path.join(tmp, 'copy'), { recursive: true, force: true });
      const r = spawnSync(
        'sh',
        ['-c', `find data -type f -print0 | xargs -0 -n 500 -P 2 md5sum > /dev/null && cp -r data ../copy`],
        {
          cwd: repo,
        },
      );
      if (r.status !== 0) throw new Error(`baseline failed: ${r.stderr}`);
    },
    opts,
  );
  const add = await measure(
    'cairn add (process)',
    () => {
      fs.rmSync(path.join(repo, '.dvc/cache'), { recursive: true, force: true });
      fs.rmSync(path.join(repo, 'data.dvc'), { force: true });
      const r = spawnSync(process.execPath, [BIN, 'add', '-q', 'data'], { cwd: repo, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`cairn add failed: ${r.stderr}`);
    },
    opts,
  );
  const help = await measure('cairn --help (start-up only)', () => spawnSync(process.execPath, [BIN, '--help']), opts);
  report(`cairn add of ${N} files (${(bytes / 2 ** 20).toFixed(1)} MiB)`, base, [add, help], {
    'add / baseline time': `${(add.medianMs / base.medianMs).toFixed(2)}× (target ≤ 1.5×)`,
    'add minus start-up / baseline': `${((add.medianMs - help.medianMs) / base.medianMs).toFixed(2)}×`,
  });
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
