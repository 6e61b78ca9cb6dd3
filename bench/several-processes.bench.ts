/**
 * Several Cairn processes behind HAProxy on PostgreSQL and a real Ceph RADOS Gateway (issue 15),
 * everything started as in the README's "Several processes" section (test/support/cluster.ts):
 * - DVC: one 1 GiB object (`CAIRN_BENCH_LB_MB`) uploaded and downloaded through HAProxy and the
 *   three processes to S3, against the same bytes put and got with the AWS SDK directly in the
 *   same run (target ≥ 0.7×), and straight to one process (what HAProxy itself costs);
 * - MLflow: `runs/search` over 10,000 runs (`BENCH_MLFLOW_RUNS`) and `runs/log-batch` from 8
 *   clients at once, through an HAProxy in front of one process against the one in front of all
 *   three (the scaling ratio; bounded by the machine's cores, which PostgreSQL, radosgw and the
 *   clients share).
 * `BENCH_LB_PARTS=dvc` or `=mlflow` runs one part. Skipped with one line without the engines.
 */
import { createHash } from 'node:crypto';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { DEFAULT_PART_SIZE } from '../sync-server/src/blobs/s3-stream-upload.ts';
import { openPostgres } from '../sync-server/src/db/postgres-sql.ts';
import { type Cluster, clusterAvailable, startCluster } from '../test/support/cluster.ts';
import { type LoadBalancer, startHaproxy } from '../test/support/haproxy.ts';
import { dvcS3Transfers } from './dvc-s3-transfer-helpers.ts';
import { getCounting, type Measurement, mbPerSecond, measure, putChunked, report } from './lib.ts';
import { SEEDED_SEARCH, seedMlflowRuns } from './mlflow-runs-seed.ts';

const MB = Number(process.env.CAIRN_BENCH_LB_MB ?? 1024);
const ML_RUNS = Number(process.env.BENCH_MLFLOW_RUNS ?? 10_000);
const PARTS = (process.env.BENCH_LB_PARTS ?? 'dvc,mlflow').split(',');
const TRANSFERS = 5;
const CHUNK = 5 * 1024 * 1024; // DVC 3 streams 5 MiB chunks
const CLIENTS = 8;
const SEARCHES_PER_CLIENT = 5;
const BATCHES_PER_CLIENT = 5;
const TOKEN = 'cairn_bench_admin_token_lb_000001';
const AUTH = `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`;

/**
 * One DVC upload of several parts and its download straight to every process, untimed. A
 * process's first multipart upload starts its md5 worker and its first transfers run cold code
 * and open its S3 connections; a server in service did that long ago. Without this, HAProxy's
 * round robin sent each timed run to another cold process and the median through it measured
 * start-up (a 256 MiB upload: 2.4 s through HAProxy against 1.5 s straight to the warm process).
 */
async function warmUpEveryProcess(cluster: Cluster): Promise<void> {
  // Three parts and a bit (a body under one part is one PutObject, and would start nothing).
  const body = Buffer.alloc(3 * DEFAULT_PART_SIZE + CHUNK, 1);
  for (const [i, backend] of cluster.backends.entries()) {
    const header = Buffer.from(`warm-up ${i}`);
    const md5 = createHash('md5').update(header).update(body).digest('hex');
    const url = `${backend.url}/admin/bench.dvc/files/md5/${md5.slice(0, 2)}/${md5.slice(2)}`;
    const status = await putChunked(url, AUTH, header, body, CHUNK);
    if (status !== 200) throw new Error(`warm-up upload to process ${i + 1}: ${status}`);
    if ((await getCounting(url, AUTH)) !== header.length + body.length) throw new Error('warm-up: short read');
    const Key = `${cluster.blobPrefix}/md5/${md5.slice(0, 2)}/${md5.slice(2)}`;
    await cluster.rgw.client().send(new DeleteObjectCommand({ Bucket: cluster.rgw.bucket, Key }));
  }
}

async function benchDvc(cluster: Cluster): Promise<void> {
  await warmUpEveryProcess(cluster);
  const transfers = dvcS3Transfers({
    s3: cluster.rgw.client(),
    bucket: cluster.rgw.bucket,
    blobKeyOf: (md5) => `${cluster.blobPrefix}/md5/${md5.slice(0, 2)}/${md5.slice(2)}`,
    mb: MB,
    runs: TRANSFERS,
    chunk: CHUNK,
    auth: AUTH,
  });
  const { size } = transfers;
  const dvcUrl = (via: string) => (md5: string) =>
    `${via}/admin/bench.dvc/files/md5/${md5.slice(0, 2)}/${md5.slice(2)}`;
  // The same process without HAProxy between: what the balancer itself costs.
  const direct = cluster.backends[0]?.url as string;

  const [sdkUp, cairnUp, directUp] = (await transfers.measure([
    transfers.sdkUpload('AWS SDK PutObject to radosgw'),
    transfers.cairnUpload('Cairn DVC PUT via HAProxy, 3 processes → S3', dvcUrl(cluster.url)),
    transfers.cairnUpload('Cairn DVC PUT straight to one process → S3', dvcUrl(direct), 10),
  ])) as [Measurement, Measurement, Measurement];
  report(`upload of one ${MB} MiB object to radosgw`, sdkUp, [cairnUp, directUp], {
    sdk: mbPerSecond(size, sdkUp.medianMs),
    cairn: mbPerSecond(size, cairnUp.medianMs),
  });

  const [sdkDown, cairnDown, directDown] = (await transfers.measure([
    transfers.sdkDownload('AWS SDK GetObject from radosgw'),
    transfers.cairnDownload('Cairn DVC GET via HAProxy, 3 processes ← S3', dvcUrl(cluster.url)),
    transfers.cairnDownload('Cairn DVC GET straight from one process ← S3', dvcUrl(direct)),
  ])) as [Measurement, Measurement, Measurement];
  report(`download of one ${MB} MiB object from radosgw`, sdkDown, [cairnDown, directDown], {
    sdk: mbPerSecond(size, sdkDown.medianMs),
    cairn: mbPerSecond(size, cairnDown.medianMs),
  });
  await transfers.dropKept();
}

async function benchMlflow(cluster: Cluster, oneProcess: LoadBalancer): Promise<void> {
  const sql = await openPostgres(cluster.databaseUrl, { maxConnections: 2 });
  try {
    const repo = await sql.get<{ id: number }>(`SELECT id FROM repositories WHERE name = 'bench'`);
    if (!repo) throw new Error('the bench repository is missing');
    const t0 = performance.now();
    await seedMlflowRuns(sql, repo.id, ML_RUNS);
    console.log(`seeded ${ML_RUNS.toLocaleString('en')} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await sql.close();
  }
  const headers = { Authorization: AUTH, 'Content-Type': 'application/json' };
  const call = async (lb: string, endpoint: string, body: unknown) => {
    const r = await fetch(`${lb}/admin/bench.mlflow/api/2.0/mlflow/${endpoint}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`${endpoint}: ${r.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  /** `CLIENTS` clients at once, each doing `each` in turn. */
  const clients = (each: (client: number) => Promise<void>) =>
    Promise.all(Array.from({ length: CLIENTS }, (_, c) => each(c))).then(() => undefined);

  const search = (lb: string) =>
    clients(async () => {
      for (let i = 0; i < SEARCHES_PER_CLIENT; i++) {
        const out = (await call(lb, 'runs/search', SEEDED_SEARCH)) as { runs: unknown[] };
        if (out.runs.length !== 100) throw new Error(`search found ${out.runs.length} runs, expected 100`);
      }
    });
  let round = 0;
  const logBatches = (lb: string) =>
    clients(async () => {
      const created = (await call(lb, 'runs/create', { experiment_id: '0', start_time: 1 })) as {
        run: { info: { run_id: string } };
      };
      const run_id = created.run.info.run_id;
      round++;
      for (let b = 0; b < BATCHES_PER_CLIENT; b++) {
        const metrics = [];
        for (let step = b * 200; step < (b + 1) * 200; step++)
          for (let k = 0; k < 5; k++) metrics.push({ key: `loss${k}`, value: step / (k + 1), timestamp: round, step });
        await call(lb, 'runs/log-batch', { run_id, metrics });
      }
    });

  const searches = CLIENTS * SEARCHES_PER_CLIENT;
  const search1 = await measure(`1 process: ${searches} × runs/search, ${CLIENTS} clients`, () =>
    search(oneProcess.url),
  );
  const search3 = await measure(`3 processes: ${searches} × runs/search, ${CLIENTS} clients`, () =>
    search(cluster.url),
  );
  const points = CLIENTS * BATCHES_PER_CLIENT * 1000;
  const batch1 = await measure(
    `1 process: ${points.toLocaleString('en')} points by log-batch, ${CLIENTS} clients`,
    () => logBatches(oneProcess.url),
  );
  const batch3 = await measure(
    `3 processes: ${points.toLocaleString('en')} points by log-batch, ${CLIENTS} clients`,
    () => logBatches(cluster.url),
  );
  const perSecond = (n: number, m: Measurement, what: string) =>
    `${Math.round(n / (m.medianMs / 1000)).toLocaleString('en')} ${what}/s`;
  report(
    `MLflow runs/search over ${ML_RUNS.toLocaleString('en')} runs via HAProxy: 1 process vs 3`,
    search1,
    [search3],
    {
      '1 process': perSecond(searches, search1, 'searches'),
      '3 processes': perSecond(searches, search3, 'searches'),
      'scaling ratio (3 / 1)': `${(search1.medianMs / search3.medianMs).toFixed(2)}×`,
    },
  );
  report('MLflow log-batch via HAProxy: 1 process vs 3', batch1, [batch3], {
    '1 process': perSecond(points, batch1, 'points'),
    '3 processes': perSecond(points, batch3, 'points'),
    'scaling ratio (3 / 1)': `${(batch1.medianMs / batch3.medianMs).toFixed(2)}×`,
  });
}

async function main() {
  if (!clusterAvailable()) {
    console.log('several-processes bench skipped: it needs PostgreSQL, Ceph radosgw and HAProxy (see above).');
    return;
  }
  const cluster = await startCluster({
    processes: 3,
    env: { CAIRN_ADMIN_PASSWORD: 'bench-password', CAIRN_ADMIN_TOKEN: TOKEN },
  });
  let oneProcess: LoadBalancer | null = null;
  try {
    oneProcess = await startHaproxy([cluster.backends[0]?.port as number]);
    await oneProcess.waitAllUp();
    const r = await fetch(`${cluster.url}/api/v1/repos`, {
      method: 'POST',
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'bench', private: true }),
    });
    if (r.status !== 201) throw new Error(`create repo: ${r.status}`);
    if (PARTS.includes('dvc')) await benchDvc(cluster);
    if (PARTS.includes('mlflow')) await benchMlflow(cluster, oneProcess);
  } finally {
    await oneProcess?.stop();
    await cluster.stop();
  }
}

await main();
