/**
 * What keeps one data folder from being served two ways at once (issue 15): `cairn-server migrate`
 * refuses a folder a server is serving, no server starts on a folder migrate is copying, and a
 * folder whose tables or objects moved to PostgreSQL or S3 is not served from the old SQLite file
 * or disk store when the server is started without CAIRN_DATABASE_URL / CAIRN_BLOBS — its record
 * of where they went stays. None of this needs PostgreSQL or S3 running: each refusal comes first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobStoreMovedError, recordBlobStorePlace } from '../../sync-server/src/blobs/blob-store-marker.ts';
import { DatabaseMovedError, recordDatabasePlace } from '../../sync-server/src/db/database-marker.ts';
import { DataFolderMigratingError, takeExclusiveLock } from '../../sync-server/src/db/serving-lock.ts';
import { configFromEnv, startCairn } from '../../sync-server/src/index.ts';
import { cairnServer } from '../support/cairn-server-cli.ts';

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-guards-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const start = (env: Record<string, string> = {}) =>
  startCairn(
    configFromEnv({
      CAIRN_DEMO: '0',
      HOST: '127.0.0.1',
      PORT: '0',
      CAIRN_DATA: dataDir,
      CAIRN_LOG: 'silent',
      CAIRN_DATABASE_URL: '',
      CAIRN_BLOBS: '',
      ...env,
    }),
  );
// Nothing listens there: a migrate that gets past its checks fails on connecting instead.
const migrateCli = () =>
  cairnServer(
    [
      'migrate',
      '--data',
      dataDir,
      '--to-database',
      'postgres://cairn@127.0.0.1:9/cairn',
      '--to-blobs',
      's3://bucket/prefix',
    ],
    { CAIRN_S3_ENDPOINT: 'http://127.0.0.1:9', AWS_REGION: 'us-east-1' },
  );

describe('cairn-server migrate and a running server', () => {
  it('migrate refuses a data folder a server is serving, saying to stop it', async () => {
    const server = await start();
    try {
      const refused = await migrateCli();
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`A Cairn server is running on ${dataDir}`);
      expect(refused.stderr).toContain('Stop every server process using this data folder, then run migrate again.');
    } finally {
      await server.close(1000);
    }
    // Stopped: migrate goes on to the target (here unreachable).
    const after = await migrateCli();
    expect(after.code).not.toBe(0);
    expect(after.stderr).not.toContain('A Cairn server is running');
  }, 60_000);

  it('a server does not start while migrate copies the folder, and starts once it is done', async () => {
    // A first start makes the folder; then migrate's hold on it, as the command takes it.
    await (await start()).close(1000);
    const migrating = takeExclusiveLock(dataDir);
    expect(migrating).not.toBeNull();
    try {
      const refused = start();
      await expect(refused).rejects.toBeInstanceOf(DataFolderMigratingError);
      await expect(refused).rejects.toMatchObject({ code: 'data_folder_migrating' });
    } finally {
      migrating?.release();
    }
    await (await start()).close(1000);
  }, 60_000);

  it('several servers on one folder do not keep each other from starting', async () => {
    const a = await start();
    const b = await start();
    await Promise.all([a.close(1000), b.close(1000)]);
  }, 60_000);
});

describe('a data folder moved to PostgreSQL or S3, started without their settings', () => {
  it('is not served from the old SQLite file; the record of where the tables went stays', async () => {
    await (await start()).close(1000);
    // What `cairn-server migrate` (or a server on PostgreSQL) leaves in the folder.
    recordDatabasePlace(dataDir, { kind: 'postgres', url: 'postgres://cairn:secret@db.internal:5433/cairn' });
    const marker = path.join(dataDir, 'database.json');
    const recorded = fs.readFileSync(marker, 'utf8');

    const refused = start();
    await expect(refused).rejects.toBeInstanceOf(DatabaseMovedError);
    await expect(refused).rejects.toThrow(/tables are in PostgreSQL \(db\.internal:5433\/cairn\)/);
    await expect(refused).rejects.toThrow(/Set CAIRN_DATABASE_URL to that database/);
    expect(fs.readFileSync(marker, 'utf8')).toBe(recorded);

    // The operator's way back to SQLite, on purpose: remove the record.
    fs.rmSync(marker);
    await (await start()).close(1000);
  }, 60_000);

  it('is not served from the disk store when its objects are in a bucket; the record stays', async () => {
    await (await start()).close(1000);
    recordBlobStorePlace(dataDir, {
      kind: 's3',
      bucket: 'team-data',
      prefix: 'cairn',
      endpoint: 'http://s3.internal:7480',
      region: 'us-east-1',
      credentials: null,
      uploadMemoryBytes: 1024 ** 3,
    });
    const marker = path.join(dataDir, 'blob-store.json');
    const recorded = fs.readFileSync(marker, 'utf8');

    const refused = start();
    await expect(refused).rejects.toBeInstanceOf(BlobStoreMovedError);
    await expect(refused).rejects.toThrow(/are in s3:\/\/team-data\/cairn/);
    await expect(refused).rejects.toThrow(/Set CAIRN_BLOBS/);
    expect(fs.readFileSync(marker, 'utf8')).toBe(recorded);
    // The refused start released the folder: migrate would not take it for a running server.
    const lock = takeExclusiveLock(dataDir);
    expect(lock).not.toBeNull();
    lock?.release();
  }, 60_000);
});
