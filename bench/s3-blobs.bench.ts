/**
 * DVC objects in S3 (issue 15): upload and download of one large object (256 MiB;
 * `CAIRN_BENCH_S3_MB=1024` for the issue's 1 GiB) through the Cairn server's DVC remote to a real
 * Ceph RADOS Gateway (CAIRN_BLOBS=s3://…), against the same bytes put and got with the AWS SDK
 * directly in the same run. Cairn adds the md5 check and a multipart upload; target ≥ 0.7×.
 * The server runs as a child process (what `npm start` runs). Skipped with one line without Ceph.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CEPH_MISSING_MESSAGE, s3Available, startRadosGateway } from '../test/support/ceph-rgw.ts';
import { spawnServer } from '../test/support/spawn-server.ts';
import { getCounting, type Measurement, mbPerSecond, median, putChunked, report } from './lib.ts';

const MB = Number(process.env.CAIRN_BENCH_S3_MB ?? 256);
const RUNS = 3;
const CHUNK = 5 * 1024 * 1024; // DVC 3 streams 5 MiB chunks
const TOKEN = 'cairn_bench_admin_token_s3_00001';
const AUTH = `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`;
const PREFIX = 'bench';

/** One shared buffer; each run's object differs by an 8-byte header, so every upload is new. */
const base = Buffer.alloc(MB * 1024 * 1024);
for (let i = 0; i < base.length; i += 4096) base[i] = (i / 4096) % 256;
const size = base.length + 8;
const objectOf = (run: number) => {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(run, 0);
  return { header, md5: createHash('md5').update(header).update(base).digest('hex') };
};

const put = (url: string, header: Buffer) => putChunked(url, AUTH, header, base, CHUNK);
const get = (url: string) => getCounting(url, AUTH);

/** Median of `RUNS` timed calls; `between` (untimed) frees what the previous run stored. */
async function timed(
  name: string,
  fn: (run: number) => Promise<void>,
  between: (run: number) => Promise<void> = async () => {},
): Promise<Measurement> {
  const runs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    await fn(run);
    runs.push(performance.now() - t0);
    await between(run);
  }
  return { name, medianMs: median(runs), runs };
}

async function main() {
  if (!s3Available()) {
    console.log(CEPH_MISSING_MESSAGE.replace('S3 tests', 's3-blobs bench'));
    return;
  }
  const rgw = await startRadosGateway();
  const s3 = rgw.client();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-s3-'));
  const server = await spawnServer(dataDir, {
    CAIRN_ADMIN_PASSWORD: 'bench-password',
    CAIRN_ADMIN_TOKEN: TOKEN,
    ...rgw.serverEnv(PREFIX),
  });
  try {
    const r = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'bench', private: true }),
    });
    if (r.status !== 201) throw new Error(`create repo: ${r.status}`);
    const dvcUrl = (md5: string) => `${server.url}/admin/bench.dvc/files/md5/${md5.slice(0, 2)}/${md5.slice(2)}`;
    const keyOf = (md5: string) => `${PREFIX}/md5/${md5.slice(0, 2)}/${md5.slice(2)}`;
    const sdkKey = (run: number) => `sdk-baseline/${run}`;
    const drop = (key: string) => s3.send(new DeleteObjectCommand({ Bucket: rgw.bucket, Key: key }));

    // Run 0 of each stays for the downloads; later runs are deleted so memstore holds few copies.
    const sdkUp = await timed(
      'AWS SDK PutObject to radosgw',
      async (run) => {
        const { header } = objectOf(100 + run);
        await s3.send(
          new PutObjectCommand({
            Bucket: rgw.bucket,
            Key: sdkKey(run),
            Body: Readable.from(
              (function* () {
                yield header;
                for (let off = 0; off < base.length; off += CHUNK) yield base.subarray(off, off + CHUNK);
              })(),
            ),
            ContentLength: size,
          }),
        );
      },
      async (run) => {
        if (run > 0) await drop(sdkKey(run));
      },
    );
    const cairnUp = await timed(
      'Cairn DVC remote PUT → S3 (md5 verified, multipart)',
      async (run) => {
        const o = objectOf(run);
        const status = await put(dvcUrl(o.md5), o.header);
        if (status !== 200) throw new Error(`upload failed: ${status}`);
      },
      async (run) => {
        if (run > 0) await drop(keyOf(objectOf(run).md5));
      },
    );
    report(`upload of one ${MB} MiB object to radosgw`, sdkUp, [cairnUp], {
      sdk: mbPerSecond(size, sdkUp.medianMs),
      cairn: mbPerSecond(size, cairnUp.medianMs),
    });

    const sdkDown = await timed('AWS SDK GetObject from radosgw', async () => {
      const res = await s3.send(new GetObjectCommand({ Bucket: rgw.bucket, Key: sdkKey(0) }));
      let n = 0;
      for await (const chunk of res.Body as AsyncIterable<Buffer>) n += chunk.length;
      if (n !== size) throw new Error(`short read: ${n}`);
    });
    const cairnDown = await timed('Cairn DVC remote GET ← S3', async () => {
      const n = await get(dvcUrl(objectOf(0).md5));
      if (n !== size) throw new Error(`short read: ${n}`);
    });
    report(`download of one ${MB} MiB object from radosgw`, sdkDown, [cairnDown], {
      sdk: mbPerSecond(size, sdkDown.medianMs),
      cairn: mbPerSecond(size, cairnDown.medianMs),
    });
  } finally {
    await server.kill();
    await rgw.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
