/**
 * MD5 throughput on one generated 512 MiB file: `md5sum` (baseline) against core's FileHasher
 * with Node's crypto (the CLI's path, target ≥ 0.95×) and with hash-wasm (the browser's path,
 * target ≥ 0.7×), all through the CLI's hashFileSync (1 MiB reads) in the same run. The file is deleted afterwards.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashFileSync } from '../packages/cli/src/file-hashing.ts';
import { nodeMd5 } from '../packages/cli/src/node-md5.ts';
import { hashWasmMd5, type Md5 } from '../packages/core/src/index.ts';
import { mbPerSecond, measure, report } from './lib.ts';

const SIZE = Number(process.env.MD5_BENCH_MIB ?? 512) * 2 ** 20;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-md5-bench-'));
const file = path.join(dir, 'blob.bin');

/** The CLI's own file-hashing path, with the MD5 implementation under test. */
const hashWith = (md5: Md5): string => hashFileSync(file, 'md5', md5).md5;

try {
  const chunk = randomBytes(2 ** 20);
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < SIZE / chunk.length; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  const wasm = hashWasmMd5();
  const wasmInstance = async () => wasm();
  const expected = spawnSync('md5sum', [file], { encoding: 'utf8' }).stdout.split(' ')[0];
  const opts = { runs: 3, warmup: 1 };
  const base = await measure('md5sum', () => spawnSync('md5sum', [file]), opts);
  const node = await measure(
    'core FileHasher + node:crypto',
    () => {
      if (hashWith(nodeMd5()) !== expected) throw new Error('node crypto hash differs from md5sum');
    },
    opts,
  );
  const hw = await measure(
    'core FileHasher + hash-wasm',
    async () => {
      if (hashWith(await wasmInstance()) !== expected) throw new Error('hash-wasm hash differs from md5sum');
    },
    opts,
  );
  report(`MD5 of a ${SIZE / 2 ** 20} MiB file`, base, [node, hw], {
    md5sum: mbPerSecond(SIZE, base.medianMs),
    'node:crypto': mbPerSecond(SIZE, node.medianMs),
    'hash-wasm': mbPerSecond(SIZE, hw.medianMs),
  });
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
