/**
 * `cairn-server migrate` end to end, against a real PostgreSQL and a real Ceph RADOS Gateway: an
 * installation is built on SQLite + disk through the server as people use it (a user, a git push,
 * DVC objects of both layouts, an MLflow run with a metric and an artifact, a Yjs note); a
 * damaged stray object makes the first run stop short of switching the data folder over; once it
 * is gone, the re-run resumes, and the server started on PostgreSQL + S3 over the same data folder
 * serves everything back through HTTP, and `cairn-server fsck` checks it there, finding bit rot in
 * the bucket. A second installation cannot be migrated into the now
 * non-empty target.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CairnServer, configFromEnv, startCairn } from '../../sync-server/src/index.ts';
import { cairnServer } from '../support/cairn-server-cli.ts';
import { type RadosGateway, s3Available, startRadosGateway } from '../support/ceph-rgw.ts';
import { createRepo } from '../support/create-repo.ts';
import { basicAuth, md5Of, v2Path, v3Path } from '../support/dvc-upload.ts';
import { runGit } from '../support/git-cli.ts';
import { type PushedProject, pushProject } from '../support/ops-project.ts';
import { type PostgresCluster, pgAvailable, startPostgres } from '../support/postgres.ts';
import { waitFor, yClient } from './yjs-clients.ts';

const TOKEN = 'cairn_migrate_admin_token_00001';
const PREFIX = 'site/cairn';
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe.runIf(pgAvailable() && s3Available())('cairn-server migrate: SQLite + disk → PostgreSQL + S3', () => {
  let cluster: PostgresCluster;
  let rgw: RadosGateway;
  let s3: S3Client;
  let databaseUrl: string;
  let work: string;
  let dataDir: string;
  let server: CairnServer | undefined;
  let project: PushedProject;
  let runId: string;
  let artifactRoot: string;
  const weights = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7) % 251));

  const start = async (env: Record<string, string> = {}) =>
    startCairn(
      configFromEnv({
        CAIRN_DEMO: '0',
        HOST: '127.0.0.1',
        PORT: '0',
        CAIRN_DATA: dataDir,
        CAIRN_LOG: 'silent',
        CAIRN_ADMIN_PASSWORD: 'admin-password-migrate',
        CAIRN_ADMIN_TOKEN: TOKEN,
        ...env,
      }),
    );
  const api = (method: string, p: string, body?: unknown, token: string | null = TOKEN) =>
    fetch(`${server?.url}/api/v1${p}`, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const ml = async (method: 'GET' | 'POST', endpoint: string, body: Record<string, unknown>) => {
    const q = method === 'GET' ? `?${new URLSearchParams(body as Record<string, string>)}` : '';
    const res = await fetch(`${server?.url}/admin/proj.mlflow/api/2.0/mlflow/${endpoint}${q}`, {
      method,
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: method === 'POST' ? JSON.stringify(body) : undefined,
    });
    // biome-ignore lint/suspicious/noExplicitAny: MLflow's JSON, read as the tests need it.
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
  const migrateCli = (args: string[], dir = dataDir) =>
    cairnServer(
      ['migrate', '--data', dir, '--to-database', databaseUrl, '--to-blobs', `s3://${rgw.bucket}/${PREFIX}`, ...args],
      {
        ...rgw.serverEnv(PREFIX),
        CAIRN_BLOBS: '',
      },
    );
  const inBucket = async (key: string) => {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: rgw.bucket, Key: key }));
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    [cluster, rgw] = await Promise.all([startPostgres(), startRadosGateway()]);
    s3 = rgw.client();
    databaseUrl = await cluster.freshDatabase();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-migrate-'));
    dataDir = path.join(work, 'data');
  }, 180_000);
  afterAll(async () => {
    await server?.close(1000);
    await Promise.all([cluster?.stop(), rgw?.stop()]);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('builds an installation on SQLite + disk through the server', async () => {
    server = await start();
    expect((await api('POST', '/users', { username: 'alice', password: 'alice-password' })).status).toBe(201);
    expect((await createRepo(server.url, TOKEN, { name: 'proj', private: true })).status).toBe(201);
    project = await pushProject(server.url, 'admin', TOKEN, 'admin/proj', work);

    const run = await ml('POST', 'runs/create', { experiment_id: '0', start_time: Date.now() });
    runId = run.json.run.info.run_id;
    artifactRoot = String(run.json.run.info.artifact_uri).replace(/^mlflow-artifacts:\//, '');
    expect(
      (await ml('POST', 'runs/log-metric', { run_id: runId, key: 'loss', value: 0.125, timestamp: 1, step: 3 })).status,
    ).toBe(200);
    const put = await fetch(
      `${server.url}/admin/proj.mlflow/api/2.0/mlflow-artifacts/artifacts/${artifactRoot}/model/weights.bin`,
      { method: 'PUT', headers: { Authorization: `Bearer ${TOKEN}` }, body: weights },
    );
    expect(put.status).toBe(200);

    const note = yClient(server.url, 'admin', 'proj', 'plan', TOKEN);
    try {
      await waitFor('connected', () => note.provider.wsconnected);
      note.doc.getText('t').insert(0, 'written on SQLite');
      const db = new Database(path.join(dataDir, 'cairn.db'), { readonly: true });
      try {
        await waitFor(
          'the note to be stored',
          () =>
            (db.prepare("SELECT count(*) AS n FROM yjs_updates WHERE doc LIKE 'admin/proj/%'").get() as { n: number })
              .n > 0,
        );
      } finally {
        db.close();
      }
    } finally {
      note.destroy();
    }
    await server.close(1000);
    server = undefined;
  }, 120_000);

  it('stops short of switching over when an object is damaged, then resumes once it is gone', async () => {
    // A stray file whose bytes do not hash to its name (bit rot, a bad copy).
    const bad = md5Of('what the name promises');
    const badFile = path.join(dataDir, 'blobs', 'md5', bad.slice(0, 2), bad.slice(2));
    fs.mkdirSync(path.dirname(badFile), { recursive: true });
    fs.writeFileSync(badFile, 'something else');

    const first = await migrateCli([]);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toContain(`damaged object md5 ${bad}`);
    expect(first.stdout).toContain('the data folder still runs on SQLite + disk');
    expect(fs.existsSync(path.join(dataDir, 'database.json'))).toBe(false);
    expect(await inBucket(`${PREFIX}/md5/${bad.slice(0, 2)}/${bad.slice(2)}`)).toBe(false);

    fs.rmSync(badFile);
    const again = await migrateCli(['--json']);
    expect(again.code, again.stderr).toBe(0);
    const report = JSON.parse(again.stdout);
    expect(report.resumed).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.marked).toBe(true);
    // Every table was done by the first run; every object and the artifact were already there.
    expect(report.tables.every((t: { skipped: boolean }) => t.skipped)).toBe(true);
    expect(report.objects).toMatchObject({ copied: 0, alreadyThere: 5 });
    expect(report.artifacts).toMatchObject({ copied: 0, alreadyThere: 1 });
    const tables = Object.fromEntries(report.tables.map((t: { table: string; rows: number }) => [t.table, t.rows]));
    expect(tables).toMatchObject({ users: 2, repositories: 1, dvc_objects: 5, mlflow_runs: 1 });

    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'database.json'), 'utf8'))).toMatchObject({
      kind: 'postgres',
    });
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'blob-store.json'), 'utf8'))).toMatchObject({
      kind: 's3',
      bucket: rgw.bucket,
      prefix: PREFIX,
    });
    expect(await inBucket(`${PREFIX}/md5/${project.csv.md5.slice(0, 2)}/${project.csv.md5.slice(2)}`)).toBe(true);
    expect(
      await inBucket(`${PREFIX}/md5-dos2unix/${project.legacy.md5.slice(0, 2)}/${project.legacy.md5.slice(2)}`),
    ).toBe(true);
  }, 120_000);

  it('the server on PostgreSQL + S3 serves everything back through HTTP', async () => {
    // Nothing is read from the old SQLite file or the disk stores: move them out of the way.
    for (const old of ['cairn.db', 'blobs', 'mlflow-artifacts'])
      fs.renameSync(path.join(dataDir, old), path.join(work, `old-${old}`));
    server = await start({ CAIRN_DATABASE_URL: databaseUrl, ...rgw.serverEnv(PREFIX) });

    const signIn = await api('POST', '/session', { username: 'alice', password: 'alice-password' }, null);
    expect(signIn.status).toBe(201);

    const clone = path.join(work, 'clone-after');
    const url = `${server.url.replace('http://', `http://admin:${TOKEN}@`)}/admin/proj.git`;
    const cloned = await runGit(['clone', '-q', url, clone], { home: work });
    expect(cloned.code, cloned.out).toBe(0);
    expect(fs.readFileSync(path.join(clone, 'README.md'), 'utf8')).toBe('# admin/proj\n');

    const auth = { Authorization: basicAuth('admin', TOKEN) };
    const dvc = (p: string) => fetch(`${server?.url}/admin/proj.dvc/${p}`, { headers: auth });
    expect(Buffer.from(await (await dvc(v3Path(project.csv.md5))).arrayBuffer())).toEqual(project.csv.bytes);
    expect(Buffer.from(await (await dvc(v2Path(project.legacy.md5))).arrayBuffer())).toEqual(project.legacy.bytes);
    for (const e of project.dir.entries)
      expect(Buffer.from(await (await dvc(v3Path(e.md5))).arrayBuffer())).toEqual(e.bytes);

    const run = await ml('GET', 'runs/get', { run_id: runId });
    expect(run.json.run.data.metrics).toEqual([{ key: 'loss', value: 0.125, timestamp: 1, step: 3 }]);
    const down = await fetch(
      `${server.url}/admin/proj.mlflow/api/2.0/mlflow-artifacts/artifacts/${artifactRoot}/model/weights.bin`,
      { headers: { Authorization: `Bearer ${TOKEN}` } },
    );
    expect(sha256(Buffer.from(await down.arrayBuffer()))).toBe(sha256(weights));

    const note = yClient(server.url, 'admin', 'proj', 'plan', TOKEN);
    try {
      await waitFor('the migrated note to load', () => note.text() === 'written on SQLite');
    } finally {
      note.destroy();
    }

    // New rows take ids after the copied ones.
    expect((await api('POST', '/users', { username: 'bob', password: 'bob-password' })).status).toBe(201);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const ids = (await client.query('SELECT id FROM users ORDER BY id')).rows.map((r) => Number(r.id));
      expect(ids).toEqual([1, 2, 3]);
    } finally {
      await client.end();
    }
  }, 120_000);

  it('cairn-server fsck and gc read the installation in PostgreSQL and the bucket; fsck finds damage there', async () => {
    const env = { CAIRN_DATABASE_URL: databaseUrl, ...rgw.serverEnv(PREFIX) };
    const healthy = await cairnServer(['fsck', '--json', '--data', dataDir], env);
    expect(healthy.code, healthy.stderr).toBe(0);
    const report = JSON.parse(healthy.stdout);
    expect(report.problems).toEqual([]);
    expect(report.checked).toMatchObject({
      objects: 5,
      indexRows: 5,
      manifests: 1,
      manifestEntries: 2,
      gitRepositories: 1,
      artifacts: 1,
      artifactBytes: weights.length,
      artifactsWithoutChecksum: 0,
    });
    expect(report.orphans).toEqual({ objects: [], gitDirs: [], artifactDirs: [], foreign: [] });

    // gc reads the same places: every object is named by the pushed history, none goes.
    const collected = await cairnServer(['gc', '--dry-run', '--json', '--grace', '0', '--data', dataDir], env);
    expect(collected.code, collected.stderr).toBe(0);
    const gcReport = JSON.parse(collected.stdout);
    expect(gcReport.aborted).toBeNull();
    expect(gcReport.repositories.map((r: { repo: string }) => r.repo)).toEqual(['admin/proj']);
    expect(gcReport.objects).toEqual([]);

    // Bit rot in the bucket: an object's bytes and an artifact's bytes replaced behind Cairn's back.
    const csvKey = `${PREFIX}/md5/${project.csv.md5.slice(0, 2)}/${project.csv.md5.slice(2)}`;
    await s3.send(new PutObjectCommand({ Bucket: rgw.bucket, Key: csvKey, Body: 'rotten' }));
    const artifactKey = `${PREFIX}/mlflow-artifacts/1/${artifactRoot}/model/weights.bin`;
    await s3.send(new PutObjectCommand({ Bucket: rgw.bucket, Key: artifactKey, Body: 'rotten too' }));
    const damaged = await cairnServer(['fsck', '--data', dataDir], env);
    expect(damaged.code, damaged.stderr).toBe(1);
    expect(damaged.stdout).toContain(
      `damaged object md5 ${project.csv.md5}: bytes hash to ${md5Of('rotten')} (held by admin/proj)`,
    );
    expect(damaged.stdout).toContain(`damaged artifact s3://${rgw.bucket}/${artifactKey}`);
    expect(damaged.stdout).toContain('2 problems found');

    const repair = await cairnServer(['fsck', '--repair', '--data', dataDir], env);
    expect(repair.code).toBe(2);
    expect(repair.stderr).toContain('--repair works on SQLite + disk only');
    // Without the server's settings, the folder is refused rather than checked as empty.
    const bare = await cairnServer(['fsck', '--data', dataDir], { CAIRN_DATABASE_URL: '', CAIRN_BLOBS: '' });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('CAIRN_DATABASE_URL');
  }, 120_000);

  it('refuses a folder already moved, and a target that already holds data', async () => {
    const again = await migrateCli([]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already served from PostgreSQL or S3');

    const other = path.join(work, 'other');
    const otherServer = await startCairn(
      configFromEnv({ CAIRN_DEMO: '0', HOST: '127.0.0.1', PORT: '0', CAIRN_DATA: other, CAIRN_LOG: 'silent' }),
    );
    await otherServer.close(1000);
    const refused = await migrateCli([], other);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`already holds rows copied from ${dataDir}`);
    expect(fs.existsSync(path.join(other, 'database.json'))).toBe(false);
  }, 60_000);
});
