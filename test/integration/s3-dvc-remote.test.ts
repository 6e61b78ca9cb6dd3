/**
 * The real server with CAIRN_BLOBS=s3://… against a real Ceph RADOS Gateway: `cairn push`/`pull`
 * through the DVC remote land in and come from the bucket (both layouts), an upload cut off
 * midway is never visible under its name and leaves no parts, a wrong hash is refused and leaves
 * nothing, ranges work, the batch `missing` call asks the bucket, and a gateway that stops gives
 * 503 + Retry-After rather than a crash. Uploads beyond a process's memory budget wait their turn.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCairn } from '../../packages/cli/src/testing/run-cairn.ts';
import { cairnServer } from '../support/cairn-server-cli.ts';
import { type RadosGateway, s3Available, startRadosGateway } from '../support/ceph-rgw.ts';
import { createRepo } from '../support/create-repo.ts';
import { basicAuth, dos2unixMd5Of, md5Of, putObject, v2Path, v3Path } from '../support/dvc-upload.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const exec = promisify(execFile);
const TOKEN = 'cairn_s3_test_admin_token_00001';
const ADMIN = basicAuth('admin', TOKEN);
const MiB = 1024 * 1024;
const PREFIX = 'team/cairn';

describe.skipIf(!s3Available())('DVC remote on S3 (Ceph RADOS Gateway)', () => {
  let rgw: RadosGateway;
  let s3: S3Client;
  let server: TestServer;
  let tmp: string;

  const objectKey = (area: 'md5' | 'md5-dos2unix', md5: string) =>
    `${PREFIX}/${area}/${md5.slice(0, 2)}/${md5.slice(2)}`;
  const exists = async (key: string) => {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: rgw.bucket, Key: key }));
      return true;
    } catch (err) {
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw err;
    }
  };
  const uploadsInProgress = async () =>
    (await s3.send(new ListMultipartUploadsCommand({ Bucket: rgw.bucket, Prefix: `${PREFIX}/` }))).Uploads ?? [];
  const keysIn = async (area: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: rgw.bucket, Prefix: `${PREFIX}/${area}/` }))).Contents ?? [])
      .map((o) => o.Key as string)
      .filter((k) => !k.includes('/.touched/'));
  const dvcUrl = (p: string) => `${server.url}/admin/cells.dvc/${p}`;

  beforeAll(async () => {
    rgw = await startRadosGateway();
    s3 = rgw.client();
    server = await startTestServer({
      CAIRN_ADMIN_PASSWORD: 's3-test-password',
      CAIRN_ADMIN_TOKEN: TOKEN,
      ...rgw.serverEnv(PREFIX),
    });
    expect((await createRepo(server.url, TOKEN, { name: 'cells', private: true })).status).toBe(201);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-s3-remote-'));
  });
  afterAll(async () => {
    await server?.stop();
    await rgw?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('cairn push stores every object in the bucket (none on the disk) and cairn pull brings the same bytes back', async () => {
    const repo = path.join(tmp, 'work');
    fs.mkdirSync(path.join(repo, 'data/images'), { recursive: true });
    await exec('git', ['init', '-q'], { cwd: repo });
    for (let i = 0; i < 6; i++) fs.writeFileSync(path.join(repo, `data/images/img_${i}.bin`), randomBytes(5000 + i));
    // Bigger than one 8 MiB part: goes through a multipart upload.
    fs.writeFileSync(path.join(repo, 'data/images/big.bin'), randomBytes(9 * MiB + 17));
    fs.writeFileSync(path.join(repo, 'data/labels.csv'), 'image,label\r\nimg_0,cell\r\n');
    expect((await runCairn(repo, 'init')).code).toBe(0);
    const added = await runCairn(repo, 'add', 'data');
    expect(added.code, added.stderr).toBe(0);
    fs.appendFileSync(
      path.join(repo, '.dvc/config'),
      `[core]\n    remote = origin\n['remote "origin"']\n    url = ${server.url}/admin/cells.dvc\n`,
    );
    fs.writeFileSync(
      path.join(repo, '.dvc/config.local'),
      `['remote "origin"']\n    auth = basic\n    user = admin\n    password = ${TOKEN}\n`,
    );
    const pushed = await runCairn(repo, 'push');
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout.trim()).toBe('9 files pushed'); // 8 files + the .dir manifest
    expect(await keysIn('md5')).toHaveLength(9);
    const bigMd5 = md5Of(fs.readFileSync(path.join(repo, 'data/images/big.bin')));
    expect(await exists(objectKey('md5', bigMd5))).toBe(true);
    expect(fs.existsSync(path.join(server.dataDir, 'blobs'))).toBe(false);
    expect(await uploadsInProgress()).toEqual([]);
    expect((await runCairn(repo, 'push')).stdout.trim()).toBe('Everything is up to date.');

    const before = fs.readFileSync(path.join(repo, 'data/images/big.bin'));
    fs.rmSync(path.join(repo, '.dvc/cache'), { recursive: true, force: true });
    fs.rmSync(path.join(repo, 'data'), { recursive: true, force: true });
    const pulled = await runCairn(repo, 'pull');
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'data/images/big.bin')).equals(before)).toBe(true);
    expect(fs.readFileSync(path.join(repo, 'data/labels.csv'), 'utf8')).toBe('image,label\r\nimg_0,cell\r\n');
  });

  it('keeps DVC 2 legacy objects (md5-dos2unix) apart in the bucket and serves their bytes as sent', async () => {
    const crlf = Buffer.from('a,b\r\n1,2\r\n');
    const name = dos2unixMd5Of(crlf);
    expect(await putObject(server.url, ADMIN, 'admin/cells', v2Path(name), crlf)).toBe(200);
    expect(await exists(objectKey('md5-dos2unix', name))).toBe(true);
    expect(await exists(objectKey('md5', name))).toBe(false);
    const got = await fetch(dvcUrl(v2Path(name)), { headers: { Authorization: ADMIN } });
    expect(Buffer.from(await got.arrayBuffer())).toEqual(crlf);
  });

  it('serves byte ranges from the bucket', async () => {
    const body = randomBytes(300_000);
    const name = md5Of(body);
    expect(await putObject(server.url, ADMIN, 'admin/cells', v3Path(name), body)).toBe(200);
    const res = await fetch(dvcUrl(v3Path(name)), { headers: { Authorization: ADMIN, Range: 'bytes=1000-1999' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 1000-1999/${body.length}`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(body.subarray(1000, 2000));
  });

  it('refuses an upload whose bytes do not hash to its name, and keeps nothing', async () => {
    const name = md5Of('the bytes that were meant');
    const res = await fetch(dvcUrl(v3Path(name)), {
      method: 'PUT',
      headers: { Authorization: ADMIN },
      body: new Uint8Array(randomBytes(10 * MiB)),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('blob_hash_mismatch');
    expect(await exists(objectKey('md5', name))).toBe(false);
    expect(await uploadsInProgress()).toEqual([]);
  });

  it('an upload cut off midway is never visible under its name and leaves no parts behind', async () => {
    const body = randomBytes(24 * MiB);
    const name = md5Of(body);
    const req = http.request(dvcUrl(v3Path(name)), {
      method: 'PUT',
      headers: { Authorization: ADMIN, 'Content-Length': String(body.length) },
    });
    req.on('error', () => {});
    req.write(body.subarray(0, 18 * MiB));
    // Parts are arriving in the bucket, yet nothing answers under the object's name.
    await vi.waitFor(async () => expect(await uploadsInProgress()).toHaveLength(1), { timeout: 30_000 });
    expect(await exists(objectKey('md5', name))).toBe(false);
    req.destroy();
    await vi.waitFor(async () => expect(await uploadsInProgress()).toEqual([]), { timeout: 30_000 });
    expect(await exists(objectKey('md5', name))).toBe(false);
    const head = await fetch(dvcUrl(v3Path(name)), { method: 'HEAD', headers: { Authorization: ADMIN } });
    expect(head.status).toBe(404);
  });

  it('the batch missing call asks the bucket: an object gone from it is reported missing', async () => {
    const kept = Buffer.from('kept in the bucket');
    const lost = Buffer.from('deleted behind the server');
    for (const b of [kept, lost])
      expect(await putObject(server.url, ADMIN, 'admin/cells', v3Path(md5Of(b)), b)).toBe(200);
    await s3.send(new DeleteObjectCommand({ Bucket: rgw.bucket, Key: objectKey('md5', md5Of(lost)) }));
    const res = await fetch(dvcUrl('missing'), {
      method: 'POST',
      headers: { Authorization: ADMIN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ oids: [md5Of(kept), md5Of(lost)] }),
    });
    expect(await res.json()).toEqual({ missing: [md5Of(lost)] });
  });

  it('uploads at once beyond the memory budget (CAIRN_S3_UPLOAD_MEMORY_MB) wait their turn and all land whole', async () => {
    // A second process whose uploads may hold one 16 MiB part buffer at once, fed four 40 MiB
    // objects at the same time: each must wait for the buffer, none may fail or stall.
    const tight = await startTestServer({
      CAIRN_ADMIN_PASSWORD: 's3-test-password',
      CAIRN_ADMIN_TOKEN: TOKEN,
      CAIRN_S3_UPLOAD_MEMORY_MB: '16',
      ...rgw.serverEnv(`${PREFIX}-tight`),
    });
    try {
      expect((await createRepo(tight.url, TOKEN, { name: 'cells', private: true })).status).toBe(201);
      const bodies = [0, 1, 2, 3].map(() => randomBytes(40 * MiB));
      const inProgress = () =>
        s3
          .send(new ListMultipartUploadsCommand({ Bucket: rgw.bucket, Prefix: `${PREFIX}-tight/` }))
          .then((r) => r.Uploads ?? []);
      // The bucket's multipart uploads, looked at while the four are sent: one at a time.
      let most = 0;
      let sending = true;
      const watching = (async () => {
        while (sending) {
          most = Math.max(most, (await inProgress()).length);
          await new Promise((r) => setTimeout(r, 25));
        }
      })();
      const statuses = await Promise.all(
        bodies.map((b) => putObject(tight.url, ADMIN, 'admin/cells', v3Path(md5Of(b)), b)),
      ).finally(() => {
        sending = false;
      });
      await watching;
      expect(statuses).toEqual([200, 200, 200, 200]);
      expect(most).toBe(1);
      for (const b of bodies) {
        const got = await fetch(`${tight.url}/admin/cells.dvc/${v3Path(md5Of(b))}`, {
          headers: { Authorization: ADMIN },
        });
        expect(md5Of(Buffer.from(await got.arrayBuffer()))).toBe(md5Of(b));
      }
      expect(await inProgress()).toEqual([]);
    } finally {
      await tight.stop();
    }
  });

  it('the operator commands that read objects from the disk refuse this data folder and say why', async () => {
    for (const command of [['fsck'], ['gc', '--dry-run'], ['backup', path.join(tmp, 'backup')]]) {
      const run = await cairnServer([...command, '--data', server.dataDir]);
      expect(run.code, run.stdout).toBe(2);
      expect(run.stderr).toContain(`s3://${rgw.bucket}/${PREFIX}`);
      expect(run.stderr).toContain('disk blob store only');
    }
  });

  // Last: it stops the gateway.
  it('a gateway that stops gives 503 + Retry-After on reads, uploads and the batch call; the server keeps running', async () => {
    const body = Buffer.from('stored before the outage');
    const name = md5Of(body);
    expect(await putObject(server.url, ADMIN, 'admin/cells', v3Path(name), body)).toBe(200);
    await rgw.stopGateway();

    const answers = [
      await fetch(dvcUrl(v3Path(name)), { headers: { Authorization: ADMIN } }),
      await fetch(dvcUrl(v3Path(name)), { method: 'HEAD', headers: { Authorization: ADMIN } }),
      await fetch(dvcUrl(v3Path(md5Of('new'))), { method: 'PUT', headers: { Authorization: ADMIN }, body: 'new' }),
      await fetch(dvcUrl('missing'), {
        method: 'POST',
        headers: { Authorization: ADMIN, 'Content-Type': 'application/json' },
        body: JSON.stringify({ oids: [name] }),
      }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      // (HEAD answers carry no body to read the code from.)
      if (res !== answers[1]) {
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('blob_store_unavailable');
      }
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
