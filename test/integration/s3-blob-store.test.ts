/**
 * The S3 blob store against a real Ceph RADOS Gateway (test/support/ceph-rgw.ts): the same
 * conformance suite the disk store passes, each test in a prefix of its own, then what only a
 * multipart upload can get wrong — parts left behind, a part boundary in a ranged read, and
 * sweeping uploads a killed process abandoned.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import {
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { HashAlgorithm } from '@cairn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobHashMismatchError, BlobStoreUnavailableError } from '../../sync-server/src/blobs/blob-store.ts';
import { runBlobStoreConformance } from '../../sync-server/src/blobs/blob-store-conformance.ts';
import { makeS3BlobStore } from '../../sync-server/src/blobs/s3-blob-store.ts';
import { type RadosGateway, s3Available, startRadosGateway } from '../support/ceph-rgw.ts';

const MiB = 1024 * 1024;
const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

describe.skipIf(!s3Available())('S3 blob store on Ceph RADOS Gateway', () => {
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
  /** A store in a prefix of its own; `sweep` counts every leftover upload, however young. */
  const storeIn = (prefix: string, opts: { algorithm?: HashAlgorithm; partSize?: number } = {}) =>
    makeS3BlobStore({ client: s3, bucket: rgw.bucket, prefix, staleAfterMs: 0, ...opts });
  const uploadsUnder = async (prefix: string) =>
    (await s3.send(new ListMultipartUploadsCommand({ Bucket: rgw.bucket, Prefix: `${prefix}/` }))).Uploads ?? [];
  const keysUnder = async (prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: rgw.bucket, Prefix: `${prefix}/` }))).Contents ?? []).map(
      (o) => o.Key,
    );

  runBlobStoreConformance('s3 (radosgw)', async ({ algorithm }) => ({
    store: storeIn(freshPrefix(), { algorithm }),
    cleanup: async () => {},
  }));

  it('streams a blob larger than a part through multipart; ranged reads cross part boundaries', async () => {
    const prefix = freshPrefix();
    const store = storeIn(prefix, { partSize: 5 * MiB });
    const body = randomBytes(12 * MiB + 123);
    const key = md5(body);
    // Many small chunks, as an HTTP request delivers them.
    const chunks = Array.from({ length: Math.ceil(body.length / 65536) }, (_, i) =>
      body.subarray(i * 65536, (i + 1) * 65536),
    );
    expect(await store.write(key, Readable.from(chunks))).toEqual({ size: body.length, created: true });
    expect(await store.stat(key)).toEqual({ size: body.length });
    const start = 5 * MiB - 10;
    const end = 10 * MiB + 10;
    // (md5s compared: a deep equality of megabytes takes vitest a minute.)
    expect(md5(await buffer(store.read(key, { start, end })))).toBe(md5(body.subarray(start, end + 1)));
    expect(md5(await buffer(store.read(key)))).toBe(key);
    expect(await uploadsUnder(prefix)).toEqual([]);
    expect(await keysUnder(prefix)).toEqual([`${prefix}/${key.slice(0, 2)}/${key.slice(2)}`]);
  });

  it('a multipart upload that does not hash to its name is aborted: no object, no parts', async () => {
    const prefix = freshPrefix();
    const store = storeIn(prefix, { partSize: 5 * MiB });
    const body = randomBytes(11 * MiB);
    const key = md5('something else');
    await expect(store.write(key, Readable.from([body]))).rejects.toBeInstanceOf(BlobHashMismatchError);
    expect(await store.stat(key)).toBeNull();
    expect(await uploadsUnder(prefix)).toEqual([]);
    expect(await keysUnder(prefix)).toEqual([]);
  });

  it('a multipart write of a blob already stored keeps the stored copy and leaves no parts', async () => {
    const prefix = freshPrefix();
    const store = storeIn(prefix, { partSize: 5 * MiB });
    const body = randomBytes(11 * MiB);
    const key = md5(body);
    expect(await store.write(key, Readable.from([body]))).toEqual({ size: body.length, created: true });
    expect(await store.write(key, Readable.from([body]))).toEqual({ size: body.length, created: false });
    expect(md5(await buffer(store.read(key)))).toBe(key);
    expect(await uploadsUnder(prefix)).toEqual([]);
    expect((await keysUnder(prefix)).sort()).toEqual(
      [`${prefix}/${key.slice(0, 2)}/${key.slice(2)}`, `${prefix}/.touched/${key}`].sort(),
    );
  });

  it('a source cut off after two parts leaves nothing, visible or not', async () => {
    const prefix = freshPrefix();
    const store = storeIn(prefix, { partSize: 5 * MiB });
    const body = randomBytes(16 * MiB);
    const key = md5(body);
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent >= 11 * MiB) {
          this.destroy(new Error('client went away'));
          return;
        }
        this.push(body.subarray(sent, sent + MiB));
        sent += MiB;
      },
    });
    await expect(store.write(key, source)).rejects.toThrow('client went away');
    expect(await store.stat(key)).toBeNull();
    expect(await uploadsUnder(prefix)).toEqual([]);
    expect(await keysUnder(prefix)).toEqual([]);
  });

  it('sweep aborts multipart uploads older than the grace period, and only those', async () => {
    const prefix = freshPrefix();
    // As a killed process leaves it: an upload begun, one part in, never completed.
    const key = `${prefix}/ab/${'c'.repeat(30)}`;
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: rgw.bucket, Key: key }));
    await s3.send(
      new UploadPartCommand({ Bucket: rgw.bucket, Key: key, UploadId, PartNumber: 1, Body: Buffer.alloc(1000, 1) }),
    );
    const young = makeS3BlobStore({ client: s3, bucket: rgw.bucket, prefix, staleAfterMs: 3600_000 });
    expect(await young.sweep()).toBe(0);
    expect(await uploadsUnder(prefix)).toHaveLength(1);
    const later = makeS3BlobStore({
      client: s3,
      bucket: rgw.bucket,
      prefix,
      staleAfterMs: 3600_000,
      now: () => Date.now() + 2 * 3600_000,
    });
    expect(await later.sweep()).toBe(1);
    expect(await uploadsUnder(prefix)).toEqual([]);
    expect(await keysUnder(prefix)).toEqual([]);
  });

  it('touch leaves its time in a marker beside the object', async () => {
    const prefix = freshPrefix();
    const store = storeIn(prefix);
    const key = md5('in use');
    await store.write(key, Readable.from([Buffer.from('in use')]));
    expect(await store.touch?.(key)).toBe(true);
    const marker = await s3.send(new HeadObjectCommand({ Bucket: rgw.bucket, Key: `${prefix}/.touched/${key}` }));
    expect(marker.LastModified?.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('a bucket that does not exist is a typed unavailable error, not a crash', async () => {
    const store = makeS3BlobStore({ client: s3, bucket: 'no-such-bucket-here', prefix: 'x' });
    // (A HEAD's 404 cannot tell a missing bucket from a missing object; the start-up sweep can.)
    await expect(store.sweep()).rejects.toBeInstanceOf(BlobStoreUnavailableError);
    await expect(store.write(md5('x'), Readable.from([Buffer.from('x')]))).rejects.toMatchObject({
      code: 'blob_store_unavailable',
    });
  });
});
