/**
 * Hashing in the browser: the app's hash workers (core FileHasher on hash-wasm) in headless
 * Chromium, against `md5sum` on the same bytes in the same run.
 * - one 512 MiB file (BENCH_HASH_MB to change): one worker vs one `md5sum`;
 * - a folder of many small files (BENCH_HASH_FILES, 1–10 KiB each): 1 and 4 workers vs one
 *   `md5sum` process over all of them (xargs).
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { launchChromium } from '../test/support/chromium.ts';
import { mbPerSecond, measure, report } from './lib.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const SIZE_MB = Number(process.env.BENCH_HASH_MB ?? 512);
const FILES = Number(process.env.BENCH_HASH_FILES ?? 10_000);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-hash-'));
const outDir = path.join(work, 'site');
await build({
  root: path.join(here, 'browser-hash'),
  logLevel: 'error',
  configFile: false,
  worker: { format: 'es' },
  build: { outDir, emptyOutDir: true, target: 'es2022' },
});

// The big file, written in pieces so the bench itself stays small in memory.
const bigFile = path.join(work, 'big.bin');
{
  const fd = fs.openSync(bigFile, 'w');
  const piece = crypto.randomBytes(8 * 1024 * 1024);
  for (let i = 0; i < (SIZE_MB * 1024 * 1024) / piece.length; i++) fs.writeSync(fd, piece);
  fs.closeSync(fd);
}
const folder = path.join(work, 'many');
fs.mkdirSync(folder);
for (let i = 0; i < FILES; i++) {
  fs.writeFileSync(path.join(folder, `f${i}.bin`), crypto.randomBytes(1024 + ((i * 7919) % 9216)));
}
const folderBytes = fs.readdirSync(folder).reduce((n, f) => n + fs.statSync(path.join(folder, f)).size, 0);

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const server = http.createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const file = path.join(outDir, rel === '/' ? 'index.html' : rel);
  if (!file.startsWith(outDir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

const chrome = await launchChromium();
try {
  const page = await chrome.context.newPage();
  page.on('crash', () => console.error('the bench page crashed'));
  page.on('console', (m) => m.type() === 'error' && console.error(`page: ${m.text()}`));
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(url);
  await page.locator('#files').setInputFiles(bigFile);
  await page.locator('#folder').setInputFiles(folder);

  const expected = execFileSync('md5sum', [bigFile]).toString().split(' ')[0];
  const check = await page.evaluate(() => window.hashPicked('files', 1));
  if (check.first !== expected) throw new Error(`browser md5 ${check.first} differs from md5sum ${expected}`);

  const bytes = SIZE_MB * 1024 * 1024;
  const md5sum = await measure('md5sum', () => execFileSync('md5sum', [bigFile]), { runs: 3 });
  const browserRuns: number[] = [];
  const worker = await measure(
    'Chromium worker (core FileHasher, hash-wasm)',
    async () => browserRuns.push((await page.evaluate(() => window.hashPicked('files', 1))).ms),
    { runs: 3 },
  );
  // Time measured inside the page excludes the bench's round trip to the browser.
  const inPage = {
    ...worker,
    medianMs: [...browserRuns].sort((a, b) => a - b)[Math.floor(browserRuns.length / 2)] ?? 0,
  };
  report(`MD5 of one ${SIZE_MB} MiB file`, md5sum, [inPage], {
    md5sum: mbPerSecond(bytes, md5sum.medianMs),
    'browser worker': mbPerSecond(bytes, inPage.medianMs),
    target: '≥ 0.70× md5sum',
  });

  const xargs = await measure(
    'md5sum via xargs (one process at a time)',
    () => execFileSync('sh', ['-c', `cd '${folder}' && ls | xargs md5sum > /dev/null`]),
    { runs: 3 },
  );
  const inPageMs = async (workers: number) => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push((await page.evaluate((w) => window.hashPicked('folder', w), workers)).ms);
    times.sort((a, b) => a - b);
    return { name: `Chromium, ${workers} worker${workers > 1 ? 's' : ''}`, medianMs: times[1] ?? 0, runs: times };
  };
  await page.evaluate(() => window.hashPicked('folder', 1)); // warm-up
  const one = await inPageMs(1);
  const four = await inPageMs(4);
  report(`MD5 of ${FILES} files of 1–10 KiB (${(folderBytes / 1e6).toFixed(1)} MB)`, xargs, [one, four], {
    cores: String(os.cpus().length),
  });
} finally {
  await chrome.close();
  server.close();
  fs.rmSync(work, { recursive: true, force: true });
}
