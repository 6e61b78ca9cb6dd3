/**
 * MLflow artifacts in S3 against a real Ceph RADOS Gateway (test/support/ceph-rgw.ts): the
 * artifact store conformance suite the disk store passes, each test in a prefix of its own; what
 * only a multipart upload can get wrong (parts left behind, a cut-off upload); then the real
 * server with CAIRN_BLOBS=s3://… driven by the npm `mlflow` client and the artifact REST API,
 * with the bytes landing in the bucket and none on the disk.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import MLflow from 'mlflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runArtifactStoreConformance } from '../../sync-server/src/mlflow/artifact-store-conformance.ts';
import { makeS3ArtifactStore } from '../../sync-server/src/mlflow/s3-artifact-store.ts';
import { type RadosGateway, s3Available, startRadosGateway } from '../support/ceph-rgw.ts';
import { createRepo } from '../support/create-repo.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const MiB = 1024 * 1024;
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const TOKEN = 'cairn_s3_artifacts_admin_token_1';

describe.skipIf(!s3Available())('MLflow artifacts on S3 (Ceph RADOS Gateway)', () => {
  let rgw: RadosGateway;
  let s3: S3Client;
  beforeAll(async () => {
    rgw = await startRadosGateway();
    s3 = rgw.client();
  });
  afterAll(async () => {
    await rgw?.stop();
  });

  const freshPrefix = () => `t-${randomBytes(6).toString('hex')}`;
  const keysUnder = async (prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: rgw.bucket, Prefix: `${prefix}/` }))).Contents ?? []).map(
      (o) => o.Key,
    );
  const uploadsUnder = async (prefix: string) =>
    (await s3.send(new ListMultipartUploadsCommand({ Bucket: rgw.bucket, Prefix: `${prefix}/` }))).Uploads ?? [];

  runArtifactStoreConformance('s3 (radosgw)', async () => ({
    store: makeS3ArtifactStore({ client: s3, bucket: rgw.bucket, prefix: freshPrefix() }),
    cleanup: async () => {},
  }));

  it('streams an artifact larger than a part through multipart, with its SHA-256 in a sidecar key', async () => {
    const prefix = freshPrefix();
    const store = makeS3ArtifactStore({ client: s3, bucket: rgw.bucket, prefix, partSize: 5 * MiB });
    const bytes = randomBytes(11 * MiB + 17);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) =>
      bytes.subarray(i * 65536, (i + 1) * 65536),
    );
    expect(await store.put(7, 'run/artifacts/model.bin', Readable.from(chunks), 100 * MiB)).toBe(bytes.length);
    expect(sha256(await buffer((await store.open(7, 'run/artifacts/model.bin')).read()))).toBe(sha256(bytes));
    expect(await uploadsUnder(prefix)).toEqual([]);
    expect((await keysUnder(prefix)).sort()).toEqual([
      `${prefix}/mlflow-artifact-checksums/7/run/artifacts/model.bin.sha256`,
      `${prefix}/mlflow-artifacts/7/run/artifacts/model.bin`,
    ]);
    expect(await store.checksum(7, 'run/artifacts/model.bin')).toEqual({ sha256: sha256(bytes), size: bytes.length });
  });

  it('a multipart upload cut off or over the limit leaves no object and no parts', async () => {
    const prefix = freshPrefix();
    const store = makeS3ArtifactStore({ client: s3, bucket: rgw.bucket, prefix, partSize: 5 * MiB });
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent >= 11 * MiB) return void this.destroy(new Error('client went away'));
        this.push(Buffer.alloc(MiB, sent / MiB));
        sent += MiB;
      },
    });
    await expect(store.put(1, 'big.bin', source, 100 * MiB)).rejects.toThrow('client went away');
    await expect(store.put(1, 'big.bin', Readable.from([randomBytes(12 * MiB)]), 10 * MiB)).rejects.toMatchObject({
      status: 413,
    });
    expect(await uploadsUnder(prefix)).toEqual([]);
    expect(await keysUnder(prefix)).toEqual([]);
  });

  describe('through the server', () => {
    const PREFIX = 'team/cairn';
    let server: TestServer;
    let base: string;
    beforeAll(async () => {
      server = await startTestServer({
        CAIRN_ADMIN_PASSWORD: 's3-artifacts-password',
        CAIRN_ADMIN_TOKEN: TOKEN,
        ...rgw.serverEnv(PREFIX),
      });
      expect((await createRepo(server.url, TOKEN, { name: 'proj', private: true })).status).toBe(201);
      base = `${server.url}/admin/proj.mlflow`;
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('an MLflow session with the npm client keeps its artifacts in the bucket and reads them back', async () => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      let runId: string;
      let artifactUri: string;
      try {
        // biome-ignore lint/suspicious/noExplicitAny: the client hands back MLflow's JSON untyped.
        const client = new MLflow({ endpoint: base, headers: { Authorization: `Bearer ${TOKEN}` } }) as any;
        const { experiment_id } = await client.Experiments.create({ name: 'segmentation' });
        const created = await client.Runs.create({ experiment_id, start_time: Date.now() });
        runId = created.run.info.run_id;
        artifactUri = created.run.info.artifact_uri;
        await client.Runs.logMetric({ run_id: runId, key: 'loss', value: 0.25, timestamp: Date.now(), step: 1 });
      } finally {
        log.mockRestore();
      }
      const root = artifactUri.replace(/^mlflow-artifacts:\//, '');
      const auth = { Authorization: `Bearer ${TOKEN}` };
      const art = `${base}/api/2.0/mlflow-artifacts/artifacts`;
      const weights = randomBytes(3000);
      expect(
        (await fetch(`${art}/${root}/model/weights.bin`, { method: 'PUT', headers: auth, body: weights })).status,
      ).toBe(200);
      expect((await fetch(`${art}/${root}/notes.txt`, { method: 'PUT', headers: auth, body: 'hello' })).status).toBe(
        200,
      );

      expect(await (await fetch(`${art}?path=${encodeURIComponent(root)}`, { headers: auth })).json()).toEqual({
        files: [
          { path: 'model', is_dir: true },
          { path: 'notes.txt', is_dir: false, file_size: 5 },
        ],
      });
      const down = await fetch(`${art}/${root}/model/weights.bin`, { headers: auth });
      expect(down.status).toBe(200);
      expect(Buffer.from(await down.arrayBuffer()).equals(weights)).toBe(true);
      const viaRun = await (
        await fetch(`${base}/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=model`, { headers: auth })
      ).json();
      expect(viaRun).toEqual({
        root_uri: artifactUri,
        files: [{ path: 'model/weights.bin', is_dir: false, file_size: 3000 }],
      });
      expect((await fetch(`${art}/${root}/missing.bin`, { headers: auth })).status).toBe(404);

      // The bytes are in the bucket, with their checksum record; the data folder has none.
      const inBucket = await s3.send(
        new GetObjectCommand({ Bucket: rgw.bucket, Key: `${PREFIX}/mlflow-artifacts/1/${root}/model/weights.bin` }),
      );
      expect(sha256(await buffer(inBucket.Body as Readable))).toBe(sha256(weights));
      const record = await s3.send(
        new GetObjectCommand({
          Bucket: rgw.bucket,
          Key: `${PREFIX}/mlflow-artifact-checksums/1/${root}/model/weights.bin.sha256`,
        }),
      );
      expect(await (record.Body as { transformToString(): Promise<string> }).transformToString()).toBe(
        `${sha256(weights)} 3000\n`,
      );
      expect(fs.existsSync(path.join(server.dataDir, 'mlflow-artifacts'))).toBe(false);

      // Deleting the repository takes its artifacts and their records out of the bucket.
      const deleted = await fetch(`${server.url}/api/v1/repos/admin/proj`, {
        method: 'DELETE',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ confirm: 'admin/proj' }),
      });
      expect(deleted.status).toBe(204);
      expect(await keysUnder(`${PREFIX}/mlflow-artifacts/1`)).toEqual([]);
      expect(await keysUnder(`${PREFIX}/mlflow-artifact-checksums/1`)).toEqual([]);
    });
  });
});
