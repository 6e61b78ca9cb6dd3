import { describe, expect, it } from 'vitest';
import { blobsFromEnv, databaseFromEnv } from './config.ts';

describe('CAIRN_BLOBS: where DVC objects live', () => {
  it('unset is the disk store, as before', () => {
    expect(blobsFromEnv({})).toEqual({ kind: 'disk' });
    expect(blobsFromEnv({ CAIRN_BLOBS: '' })).toEqual({ kind: 'disk' });
  });

  it('reads s3://BUCKET/PREFIX, the endpoint (path-style) and the AWS SDK variables', () => {
    expect(
      blobsFromEnv({
        CAIRN_BLOBS: 's3://team-data/cairn/prod/',
        CAIRN_S3_ENDPOINT: 'http://127.0.0.1:7480',
        AWS_ACCESS_KEY_ID: 'AKIA1',
        AWS_SECRET_ACCESS_KEY: 'secret',
      }),
    ).toEqual({
      kind: 's3',
      bucket: 'team-data',
      prefix: 'cairn/prod',
      endpoint: 'http://127.0.0.1:7480',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIA1', secretAccessKey: 'secret' },
      uploadMemoryBytes: 1024 * 1024 ** 2,
    });
    expect(
      blobsFromEnv({ CAIRN_BLOBS: 's3://bucket', AWS_REGION: 'x', CAIRN_S3_UPLOAD_MEMORY_MB: '256' }),
    ).toMatchObject({
      uploadMemoryBytes: 256 * 1024 ** 2,
    });
    expect(blobsFromEnv({ CAIRN_BLOBS: 's3://bucket', AWS_REGION: 'eu-west-3' })).toMatchObject({
      bucket: 'bucket',
      prefix: '',
      endpoint: null,
      region: 'eu-west-3',
      credentials: null,
    });
  });

  it.each([
    [{ CAIRN_BLOBS: 'bucket/prefix' }, 'CAIRN_BLOBS'],
    [{ CAIRN_BLOBS: 's3://' }, 'CAIRN_BLOBS'],
    [{ CAIRN_BLOBS: 's3://Bad_Bucket/x' }, 'CAIRN_BLOBS'],
    [{ CAIRN_BLOBS: 's3://bucket/a//b' }, 'CAIRN_BLOBS'],
    [{ CAIRN_BLOBS: 's3://bucket/../x' }, 'CAIRN_BLOBS'],
    [{ CAIRN_BLOBS: 's3://bucket/x', CAIRN_S3_ENDPOINT: 'ftp://host' }, 'CAIRN_S3_ENDPOINT'],
    [{ CAIRN_BLOBS: 's3://bucket/x', CAIRN_S3_ENDPOINT: 'http://host/path' }, 'CAIRN_S3_ENDPOINT'],
    [{ CAIRN_BLOBS: 's3://bucket/x' }, 'AWS_REGION'],
    [{ CAIRN_BLOBS: 's3://bucket/x', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'a' }, 'AWS_SECRET_ACCESS_KEY'],
    [{ CAIRN_S3_ENDPOINT: 'http://127.0.0.1:7480' }, 'CAIRN_S3_ENDPOINT'],
    [{ CAIRN_BLOBS: 's3://bucket/x', AWS_REGION: 'x', CAIRN_S3_UPLOAD_MEMORY_MB: '8' }, 'CAIRN_S3_UPLOAD_MEMORY_MB'],
    [{ CAIRN_BLOBS: 's3://bucket/x', AWS_REGION: 'x', CAIRN_S3_UPLOAD_MEMORY_MB: '1G' }, 'CAIRN_S3_UPLOAD_MEMORY_MB'],
  ])('refuses %j with a bad_setting error naming %s', (env, variable) => {
    expect(() => blobsFromEnv(env)).toThrow(
      expect.objectContaining({ code: 'bad_setting', data: expect.objectContaining({ variable }) }),
    );
  });
});

describe('CAIRN_DATABASE_URL: where the tables live', () => {
  it('unset is SQLite in the data folder, as before', () => {
    expect(databaseFromEnv({})).toEqual({ kind: 'sqlite' });
    expect(databaseFromEnv({ CAIRN_DATABASE_URL: '' })).toEqual({ kind: 'sqlite' });
  });

  it('takes a postgres:// or postgresql:// URL as given', () => {
    const url = 'postgres://cairn:secret@db.internal:5433/cairn?sslmode=require';
    expect(databaseFromEnv({ CAIRN_DATABASE_URL: url })).toEqual({ kind: 'postgres', url });
    expect(databaseFromEnv({ CAIRN_DATABASE_URL: 'postgresql://cairn@127.0.0.1/cairn' }).kind).toBe('postgres');
  });

  it('refuses anything else by name, without repeating the password', () => {
    for (const bad of ['mysql://u:hunter22@h/db', 'cairn.db', 'postgres://u:hunter22@/db']) {
      let err: unknown;
      try {
        databaseFromEnv({ CAIRN_DATABASE_URL: bad });
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'bad_setting', data: { variable: 'CAIRN_DATABASE_URL' } });
      expect(String((err as Error).message)).not.toContain('hunter22');
    }
  });
});
