/**
 * `cairn-server migrate` (issue 15) on a realistic small installation, built through the server
 * on SQLite + disk: 1,000 DVC objects (950 of 1–32 KiB, 50 of 1 MiB), 100 MLflow runs with 100
 * metric points each, 20 artifacts of 256 KiB. Each run migrates it to a fresh PostgreSQL
 * database and a fresh prefix of a real Ceph RADOS Gateway (the `migrate` function the CLI
 * calls); the baseline copies the same object and artifact files with the AWS SDK's PutObject,
 * 8 at a time, without any check, in the same run. Prints objects/s and MB/s of the byte phase
 * (what verification and the stores' visibility rules cost against a plain copy) and rows/s of
 * the tables. Skipped with one line without PostgreSQL or Ceph.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { configFromEnv, startCairn } from '../sync-server/src/index.ts';
import { migrate } from '../sync-server/src/ops/migrate.ts';
import { CEPH_MISSING_MESSAGE, type RadosGateway, s3Available, startRadosGateway } from '../test/support/ceph-rgw.ts';
import { basicAuth, md5Of, putObject, v3Path } from '../test/support/dvc-upload.ts';
import { PG_MISSING_MESSAGE, pgAvailable, startPostgres } from '../test/support/postgres.ts';
import { type Measurement, mbPerSecond, median, report } from './lib.ts';

const RUNS = 3;
const TOKEN = 'cairn_bench_migrate_admin_token1';
const KiB = 1024;

async function buildInstallation(dataDir: string): Promise<void> {
  const server = await startCairn(
    configFromEnv({
      CAIRN_DEMO: '0',
      HOST: '127.0.0.1',
      PORT: '0',
      CAIRN_DATA: dataDir,
      CAIRN_LOG: 'silent',
      CAIRN_ADMIN_PASSWORD: 'bench-password',
      CAIRN_ADMIN_TOKEN: TOKEN,
    }),
  );
  try {
    const json = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
    const created = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'proj', private: true }),
    });
    if (created.status !== 201) throw new Error(`create repo: ${created.status}`);
    const objects = Array.from({ length: 1000 }, (_, i) =>
      randomBytes(i < 950 ? KiB + ((i * 997) % (31 * KiB)) : 1024 * KiB),
    );
    const auth = basicAuth('admin', TOKEN);
    for (let i = 0; i < objects.length; i += 16) {
      const statuses = await Promise.all(
        objects.slice(i, i + 16).map((b) => putObject(server.url, auth, 'admin/proj', v3Path(md5Of(b)), b)),
      );
      if (statuses.some((s) => s !== 200)) throw new Error(`DVC upload: ${statuses.join(',')}`);
    }
    const ml = async (endpoint: string, body: unknown) => {
      const r = await fetch(`${server.url}/admin/proj.mlflow/api/2.0/mlflow/${endpoint}`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify(body),
      });
      if (r.status !== 200) throw new Error(`${endpoint}: ${r.status} ${await r.text()}`);
      return (await r.json()) as { run: { info: { run_id: string; artifact_uri: string } } };
    };
    for (let r = 0; r < 100; r++) {
      const { run } = await ml('runs/create', { experiment_id: '0', start_time: Date.now() });
      const metrics = Array.from({ length: 100 }, (_, step) => ({
        key: 'loss',
        value: 1 / (step + 1),
        timestamp: step,
        step,
      }));
      await ml('runs/log-batch', { run_id: run.info.run_id, metrics, params: [{ key: 'lr', value: String(r) }] });
      if (r < 20) {
        const root = run.info.artifact_uri.replace(/^mlflow-artifacts:\//, '');
        const put = await fetch(
          `${server.url}/admin/proj.mlflow/api/2.0/mlflow-artifacts/artifacts/${root}/model.bin`,
          {
            method: 'PUT',
            headers: { Authorization: `Bearer ${TOKEN}` },
            body: randomBytes(256 * KiB),
          },
        );
        if (put.status !== 200) throw new Error(`artifact: ${put.status}`);
      }
    }
  } finally {
    await server.close(1000);
  }
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath ?? d.path, d.name));
}

async function emptyPrefix(s3: S3Client, bucket: string, prefix: string): Promise<void> {
  for (;;) {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, MaxKeys: 1000 }));
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key as string }));
    if (keys.length === 0) return;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
  }
}

async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

async function main() {
  if (!pgAvailable() || !s3Available()) {
    console.log(`migrate bench skipped: ${!pgAvailable() ? PG_MISSING_MESSAGE : CEPH_MISSING_MESSAGE}`);
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-migrate-'));
  const [cluster, rgw] = (await Promise.all([startPostgres(), startRadosGateway()])) as [
    Awaited<ReturnType<typeof startPostgres>>,
    RadosGateway,
  ];
  const s3 = rgw.client();
  try {
    const dataDir = path.join(work, 'data');
    await buildInstallation(dataDir);
    const files = [...filesUnder(path.join(dataDir, 'blobs')), ...filesUnder(path.join(dataDir, 'mlflow-artifacts'))];
    const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
    const env = rgw.serverEnv('x');
    const blobsConfig = configFromEnv({ ...env, CAIRN_DATA: dataDir }).blobs;
    if (blobsConfig.kind !== 's3') throw new Error('expected an S3 configuration');

    const sdk: number[] = [];
    const bytePhase: number[] = [];
    const tablePhase: number[] = [];
    let rows = 0;
    for (let run = 0; run < RUNS; run++) {
      const sdkPrefix = `sdk-${run}`;
      let t0 = performance.now();
      await eachLimit(files, 8, async (f) => {
        const body = fs.readFileSync(f);
        await s3.send(
          new PutObjectCommand({ Bucket: rgw.bucket, Key: `${sdkPrefix}/${path.relative(dataDir, f)}`, Body: body }),
        );
      });
      sdk.push(performance.now() - t0);
      await emptyPrefix(s3, rgw.bucket, sdkPrefix);

      const prefix = `cairn-${run}`;
      const databaseUrl = await cluster.freshDatabase();
      t0 = performance.now();
      const r = await migrate({ dataDir, databaseUrl, blobs: { ...blobsConfig, prefix } });
      const total = performance.now() - t0;
      if (r.problems.length > 0 || !r.marked) throw new Error(`migrate reported ${JSON.stringify(r.problems)}`);
      bytePhase.push((r.seconds.objects + r.seconds.artifacts) * 1000);
      tablePhase.push(r.seconds.tables * 1000);
      rows = r.tables.reduce((n, t) => n + t.rows, 0);
      console.log(
        `  run ${run}: ${(total / 1000).toFixed(1)} s in all; ${r.objects.copied} objects, ${r.artifacts.copied} artifacts, ${rows} rows`,
      );
      // The next run migrates the same folder again: take the marks back off.
      fs.rmSync(path.join(dataDir, 'database.json'));
      fs.rmSync(path.join(dataDir, 'blob-store.json'));
      await emptyPrefix(s3, rgw.bucket, prefix);
    }
    const m = (name: string, runs: number[]): Measurement => ({ name, medianMs: median(runs), runs });
    const base = m('AWS SDK PutObject of the same files, 8 at a time, unchecked', sdk);
    const cairn = m('cairn-server migrate, objects + artifacts (verified)', bytePhase);
    report(`migrate ${files.length} files (${(bytes / 1e6).toFixed(1)} MB) to radosgw`, base, [cairn], {
      sdk: `${((files.length / base.medianMs) * 1000).toFixed(0)} files/s, ${mbPerSecond(bytes, base.medianMs)}`,
      migrate: `${((files.length / cairn.medianMs) * 1000).toFixed(0)} files/s, ${mbPerSecond(bytes, cairn.medianMs)}`,
      tables: `${rows} rows in median ${median(tablePhase).toFixed(0)} ms (${((rows / median(tablePhase)) * 1000).toFixed(0)} rows/s, schema included)`,
    });
  } finally {
    s3.destroy();
    await Promise.all([cluster.stop(), rgw.stop()]);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
