/**
 * DVC objects in S3 (issue 15): upload and download of one large object (256 MiB;
 * `CAIRN_BENCH_S3_MB=1024` for the issue's 1 GiB) through the Cairn server's DVC remote to a real
 * Ceph RADOS Gateway (CAIRN_BLOBS=s3://…), against the same bytes put and got with the AWS SDK
 * directly in the same run. Cairn adds the md5 check and a multipart upload; target ≥ 0.7×.
 * The server runs as a child process (what `npm start` runs). Skipped with one line without Ceph.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CEPH_MISSING_MESSAGE, s3Available, startRadosGateway } from '../test/support/ceph-rgw.ts';
import { spawnServer } from '../test/support/spawn-server.ts';
import { dvcS3Transfers } from './dvc-s3-transfer-helpers.ts';
import { type Measurement, mbPerSecond, report } from './lib.ts';

const MB = Number(process.env.CAIRN_BENCH_S3_MB ?? 256);
const RUNS = 3;
const CHUNK = 5 * 1024 * 1024; // DVC 3 streams 5 MiB chunks
const TOKEN = 'cairn_bench_admin_token_s3_00001';
const AUTH = `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`;
const PREFIX = 'bench';

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
    const transfers = dvcS3Transfers({
      s3,
      bucket: rgw.bucket,
      blobKeyOf: (md5) => `${PREFIX}/md5/${md5.slice(0, 2)}/${md5.slice(2)}`,
      mb: MB,
      runs: RUNS,
      chunk: CHUNK,
      auth: AUTH,
    });
    const { size } = transfers;

    const [sdkUp, cairnUp] = (await transfers.measure([
      transfers.sdkUpload('AWS SDK PutObject to radosgw'),
      transfers.cairnUpload('Cairn DVC remote PUT → S3 (md5 verified, multipart)', dvcUrl),
    ])) as [Measurement, Measurement];
    report(`upload of one ${MB} MiB object to radosgw`, sdkUp, [cairnUp], {
      sdk: mbPerSecond(size, sdkUp.medianMs),
      cairn: mbPerSecond(size, cairnUp.medianMs),
    });

    const [sdkDown, cairnDown] = (await transfers.measure([
      transfers.sdkDownload('AWS SDK GetObject from radosgw'),
      transfers.cairnDownload('Cairn DVC remote GET ← S3', dvcUrl),
    ])) as [Measurement, Measurement];
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
