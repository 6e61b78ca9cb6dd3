/**
 * `cairn-server gc` on a data folder whose DVC objects are in S3 (a real Ceph RADOS Gateway; the
 * tables in the folder's SQLite file): what no history names and is older than the grace goes,
 * everything a history names stays, nothing younger than the grace is touched, the bucket is
 * listed page by page, and an object a client is told is present while gc runs is put back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeS3BlobStore } from '../../sync-server/src/blobs/s3-blob-store.ts';
import { blobsFromEnv } from '../../sync-server/src/config.ts';
import { sqliteSql } from '../../sync-server/src/db/sqlite-sql.ts';
import { openDataDb } from '../../sync-server/src/ops/data-layout.ts';
import type { GcReport } from '../../sync-server/src/ops/gc.ts';
import { gcS3 } from '../../sync-server/src/ops/gc-s3.ts';
import { cairnServer } from '../support/cairn-server-cli.ts';
import { type RadosGateway, s3Available, startRadosGateway } from '../support/ceph-rgw.ts';
import { basicAuth, md5Of, putObject, v3Path } from '../support/dvc-upload.ts';
import { runGit } from '../support/git-cli.ts';
import { type PushedProject, pushProject } from '../support/ops-project.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TOKEN = 'cairn_test_admin_token_s3gc_0001';
const AUTH = basicAuth('admin', TOKEN);
const PREFIX = 'gc-test';
const TWO_DAYS = 2 * 24 * 3600 * 1000;

describe.skipIf(!s3Available())('cairn-server gc on S3 (radosgw)', () => {
  let rgw: RadosGateway;
  let s3: S3Client;
  let server: TestServer;
  let work: string;
  let project: PushedProject;
  const dead: string[] = [];

  const objectKey = (md5: string) => `${PREFIX}/md5/${md5.slice(0, 2)}/${md5.slice(2)}`;
  const inBucket = async (key: string) => {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: rgw.bucket, Key: key }));
      return true;
    } catch {
      return false;
    }
  };
  const keysUnder = async (prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: rgw.bucket, Prefix: prefix }))).Contents ?? []).map(
      (o) => o.Key,
    );
  const upload = async (label: string) => {
    const bytes = Buffer.from(`${label} `.repeat(40));
    expect(await putObject(server.url, AUTH, 'admin/proj', v3Path(md5Of(bytes)), bytes)).toBe(200);
    return md5Of(bytes);
  };
  /** gc of the server's folder, in this process, over its SQLite file and the bucket. */
  const runGc = async (opts: Partial<Parameters<typeof gcS3>[1]> = {}): Promise<GcReport> => {
    const sql = sqliteSql(openDataDb(server.dataDir));
    const client = rgw.client();
    try {
      return await gcS3(server.dataDir, {
        sql,
        client,
        blobs: blobsFromEnv(rgw.serverEnv(PREFIX)) as Parameters<typeof gcS3>[1]['blobs'],
        listPageSize: 2,
        ...opts,
      });
    } finally {
      client.destroy();
      await sql.close();
    }
  };
  const named = () => [project.csv.md5, ...project.dir.entries.map((e) => e.md5), project.dir.md5];

  beforeAll(async () => {
    rgw = await startRadosGateway();
    s3 = rgw.client();
    server = await startTestServer({
      CAIRN_ADMIN_PASSWORD: 'admin-password-s3gc',
      CAIRN_ADMIN_TOKEN: TOKEN,
      ...rgw.serverEnv(PREFIX),
    });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-s3gc-'));
    const made = await fetch(`${server.url}/api/v1/repos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'proj', private: true }),
    });
    expect(made.status).toBe(201);
    project = await pushProject(server.url, 'admin', TOKEN, 'admin/proj', work);
    // Uploaded, indexed, but named by no commit: what a `dvc push` of an abandoned experiment leaves.
    for (const label of ['abandoned one', 'abandoned two', 'abandoned three']) dead.push(await upload(label));
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await rgw?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('removes nothing younger than the grace period', async () => {
    const report = await runGc();
    expect(report.aborted).toBeNull();
    expect(report.objects).toEqual([]);
    for (const md5 of [...dead, ...named()]) expect(await inBucket(objectKey(md5))).toBe(true);
  });

  it('the command line lists, with --dry-run, exactly the objects no history names', async () => {
    // The CLI cannot move the clock: the grace is what shrinks, to nothing.
    const r = await cairnServer(['gc', '--dry-run', '--json', '--grace', '0', '--data', server.dataDir], {
      ...rgw.serverEnv(PREFIX),
    });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as GcReport;
    expect(report.objects.map((o) => o.md5).sort()).toEqual([...dead].sort());
    expect(report.objects.every((o) => o.repos.join() === 'admin/proj')).toBe(true);
    for (const md5 of dead) expect(await inBucket(objectKey(md5))).toBe(true);
  });

  it('puts back an object a client is told is present while gc removes it', async () => {
    const store = makeS3BlobStore({ client: s3, bucket: rgw.bucket, prefix: `${PREFIX}/md5` });
    const start = Date.now();
    const report = await runGc({
      graceSeconds: 0,
      now: () => start,
      async onProgress(phase, done) {
        if (phase !== 'removing' || done !== 1) return;
        // A client's HEAD or batch `missing` call marks it in use, until S3's clock shows it after the cutoff.
        await vi.waitFor(
          async () => {
            expect(await store.touch?.(dead[0] as string)).toBe(true);
            const marker = await s3.send(
              new HeadObjectCommand({ Bucket: rgw.bucket, Key: `${PREFIX}/md5/.touched/${dead[0]}` }),
            );
            expect(marker.LastModified?.getTime()).toBeGreaterThan(start);
          },
          { timeout: 10_000, interval: 300 },
        );
      },
    });
    expect(report.restored).toEqual([dead[0]]);
    expect(report.objects.map((o) => o.md5).sort()).toEqual([dead[1], dead[2]].sort());
    expect(await inBucket(objectKey(dead[0] as string))).toBe(true);
    for (const md5 of [dead[1], dead[2]] as string[]) expect(await inBucket(objectKey(md5))).toBe(false);
    expect(await keysUnder(`${PREFIX}/gc-trash/`)).toEqual([]);
  }, 60_000);

  it('removes the unnamed objects once past the grace, their index rows too, and keeps every named one', async () => {
    const report = await runGc({ now: () => Date.now() + TWO_DAYS });
    expect(report.aborted).toBeNull();
    expect(report.objects.map((o) => o.md5)).toEqual([dead[0]]);
    expect(report.indexRowsRemoved).toBe(1);
    expect(await inBucket(objectKey(dead[0] as string))).toBe(false);
    for (const md5 of named()) expect(await inBucket(objectKey(md5))).toBe(true);
    expect(
      await inBucket(`${PREFIX}/md5-dos2unix/${project.legacy.md5.slice(0, 2)}/${project.legacy.md5.slice(2)}`),
    ).toBe(true);
    expect(await keysUnder(`${PREFIX}/gc-trash/`)).toEqual([]);
    expect(await keysUnder(`${PREFIX}/md5/.touched/${dead[0]}`)).toEqual([]);
    // The server answers as a DVC client expects: gone objects are missing, named ones are served.
    const get = (md5: string) =>
      fetch(`${server.url}/admin/proj.dvc/${v3Path(md5)}`, { headers: { Authorization: AUTH } });
    expect((await get(dead[0] as string)).status).toBe(404);
    expect(md5Of(Buffer.from(await (await get(project.csv.md5)).arrayBuffer()))).toBe(project.csv.md5);
  }, 60_000);

  it('puts back, rows and bytes, an object a commit pushed while gc ran names', async () => {
    const bytes = Buffer.from('results of a run pushed late '.repeat(40));
    const late = md5Of(bytes);
    expect(await putObject(server.url, AUTH, 'admin/proj', v3Path(late), bytes)).toBe(200);
    const git = async (args: string[]) => {
      const r = await runGit(args, { home: work, cwd: project.clone });
      if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.out}`);
    };
    const report = await runGc({
      graceSeconds: 0,
      now: () => Date.now(),
      async onProgress(phase, done) {
        if (phase !== 'removing' || done !== 1) return;
        fs.writeFileSync(
          path.join(project.clone, 'late.dvc'),
          `outs:\n- md5: ${late}\n  size: ${bytes.length}\n  hash: md5\n  path: late\n`,
        );
        await git(['add', 'late.dvc']);
        await git(['commit', '-q', '-m', 'track late']);
        await git(['push', '-q', 'origin', 'HEAD']);
      },
    });
    expect(report.restored).toContain(late);
    expect(report.objects.map((o) => o.md5)).not.toContain(late);
    expect(await inBucket(objectKey(late))).toBe(true);
    expect(await keysUnder(`${PREFIX}/gc-trash/`)).toEqual([]);
    // Its index row is back: the batch call does not ask the client to upload it again.
    const missing = await fetch(`${server.url}/api/v1/repos/admin/proj/dvc/missing`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ oids: [late] }),
    });
    expect(await missing.json()).toEqual({ missing: [] });
  }, 60_000);
});
