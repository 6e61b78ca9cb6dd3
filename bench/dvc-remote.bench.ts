/**
 * DVC remote throughput and memory (issue 4, RELIABILITY L2):
 * 1. Upload and download of 1 GiB of objects (16 × 64 MiB, chunked PUT, like DVC) over
 *    loopback, against a plain Node HTTP sink/source of the same bytes in the same run.
 * 2. Server RSS sampled while one 2 GiB object uploads (should stay flat: streamed, never buffered).
 * The server runs as a child process (what `npm start` runs) so its RSS is its own.
 * `BENCH_DVC_MIB` scales the object size down for a quick run.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnServer } from '../test/support/spawn-server.ts';
import { getCounting, mbPerSecond, measure, putChunked, report } from './lib.ts';

const OBJ_MIB = Number(process.env.BENCH_DVC_MIB ?? 64);
const COUNT = 16;
const CHUNK = 5 * 1024 * 1024; // DVC 3 streams 5 MiB chunks
const TOKEN = 'cairn_bench_admin_token_0000001';
const AUTH = `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`;

/**
 * Objects are an 8-byte header (run, index) + one shared buffer, so every run uploads new
 * objects (no "already stored" shortcut) while the bench holds only one buffer in memory.
 */
const base = Buffer.alloc(OBJ_MIB * 1024 * 1024);
for (let i = 0; i < base.length; i += 4096) base[i] = (i / 4096) % 256;
const objectSets = Array.from({ length: 4 }, (_, run) =>
  Array.from({ length: COUNT }, (_, i) => {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(run, 0);
    header.writeUInt32BE(i, 4);
    return { header, md5: createHash('md5').update(header).update(base).digest('hex') };
  }),
);
const totalBytes = COUNT * (base.length + 8);

const put = (url: string, header: Buffer) => putChunked(url, AUTH, header, base, CHUNK);
const get = (url: string) => getCounting(url, AUTH);

/** The baseline: a Node HTTP server that only drains uploads and serves the same bytes. */
async function plainServer(): Promise<{ url: string; close(): void }> {
  const s = http.createServer((req, res) => {
    if (req.method === 'PUT' && req.url === '/disk') {
      // Same bytes to a file + fsync: what the disk alone allows, for context.
      const file = path.join(os.tmpdir(), `cairn-bench-sink-${process.pid}`);
      const out = fs.createWriteStream(file);
      req.pipe(out);
      out.on('finish', () => {
        const fd = fs.openSync(file, 'r+');
        fs.fsyncSync(fd);
        fs.closeSync(fd);
        fs.rmSync(file);
        res.end('ok');
      });
    } else if (req.method === 'PUT') {
      req.on('data', () => {});
      req.on('end', () => res.end('ok'));
    } else {
      res.writeHead(200, { 'Content-Length': base.length });
      res.end(base);
    }
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, close: () => s.close() };
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-dvc-'));
  const server = await spawnServer(dataDir, { CAIRN_ADMIN_PASSWORD: 'bench-password', CAIRN_ADMIN_TOKEN: TOKEN });
  const plain = await plainServer();
  try {
    const r = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'bench', private: true }),
    });
    if (r.status !== 201) throw new Error(`create repo: ${r.status}`);
    const url = (h: string) => `${server.url}/admin/bench.dvc/files/md5/${h.slice(0, 2)}/${h.slice(2)}`;

    const runs = { runs: 3, warmup: 0 };
    const plainUp = await measure(
      'plain Node sink, upload',
      async () => {
        for (const o of objectSets[0] ?? []) await put(`${plain.url}/x`, o.header);
      },
      runs,
    );
    const plainDisk = await measure(
      'plain Node sink to disk + fsync',
      async () => {
        for (const o of objectSets[0] ?? []) await put(`${plain.url}/disk`, o.header);
      },
      runs,
    );
    let run = 0;
    const cairnUp = await measure(
      'Cairn DVC remote, upload (md5 verified, fsynced)',
      async () => {
        for (const o of objectSets[run++] ?? [])
          if ((await put(url(o.md5), o.header)) !== 200) throw new Error('upload failed');
      },
      runs,
    );
    report(`upload ${COUNT} × ${OBJ_MIB} MiB over loopback`, plainUp, [plainDisk, cairnUp], {
      'plain to disk': mbPerSecond(totalBytes, plainDisk.medianMs),
      plain: mbPerSecond(totalBytes, plainUp.medianMs),
      cairn: mbPerSecond(totalBytes, cairnUp.medianMs),
    });

    const plainDown = await measure(
      'plain Node source, download',
      async () => {
        for (let i = 0; i < COUNT; i++) await get(`${plain.url}/x`);
      },
      runs,
    );
    const cairnDown = await measure(
      'Cairn DVC remote, download',
      async () => {
        for (const o of objectSets[0] ?? [])
          if ((await get(url(o.md5))) !== base.length + 8) throw new Error('short read');
      },
      runs,
    );
    report(`download ${COUNT} × ${OBJ_MIB} MiB over loopback`, plainDown, [cairnDown], {
      plain: mbPerSecond(totalBytes, plainDown.medianMs),
      cairn: mbPerSecond(totalBytes, cairnDown.medianMs),
    });

    // Memory while one object 32× the size of the others (2 GiB at full size) streams in.
    const bigBytes = 32 * base.length;
    const hash = createHash('md5');
    for (let i = 0; i < 32; i++) hash.update(base);
    const bigMd5 = hash.digest('hex');
    const rss = () => {
      try {
        const status = fs.readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
        return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      } catch {
        return 0;
      }
    };
    const before = rss();
    const samples: number[] = [];
    const timer = setInterval(() => samples.push(rss()), 100);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        url(bigMd5),
        { method: 'PUT', headers: { Authorization: AUTH }, agent: false },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      let i = 0;
      const pump = () => {
        while (i < 32) {
          i++;
          if (!req.write(base)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    clearInterval(timer);
    const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
    console.log(`\n## server RSS while a ${mib(bigBytes)} object uploads (status ${status})`);
    console.log(
      `  before ${mib(before)} · peak ${mib(Math.max(...samples))} · median ${mib([...samples].sort((a, b) => a - b)[samples.length >> 1] ?? 0)} · ${samples.length} samples`,
    );
  } finally {
    plain.close();
    await server.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
