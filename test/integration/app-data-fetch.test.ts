import '../../app/src/test-setup.ts';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFetchError, downloadObject } from '../../app/src/files/data-fetch.ts';
import { objectId } from '../../app/src/storage/blob-store.ts';
import { makeDb } from '../../app/src/storage/db.ts';
import { DexieBlobStore } from '../../app/src/storage/dexie-blob-store.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Fetching data objects from the real server into the real Dexie cache (fake-indexeddb): a
 * CRLF file tracked by DVC 2 (md5-dos2unix, `ab/cdef`) and by DVC 3 (md5, `files/md5/ab/cdef`)
 * and the LF file whose DVC 3 hex equals the legacy one are cached apart, each with its bytes;
 * bytes that do not hash to their name are never kept.
 */
const TOKEN = 'cairn_test_admin_token_fetch_001';
const AUTH = { Authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` };

let server: TestServer;
let remote: { base: string; headers: Record<string, string> };
const md5hex = (b: Uint8Array | string) => createHash('md5').update(b).digest('hex');
const crlf = Buffer.from('name,value\r\nloss,0.5\r\n');
const lf = Buffer.from('name,value\nloss,0.5\n');
const v2 = (h: string) => `${h.slice(0, 2)}/${h.slice(2)}`;
const v3 = (h: string) => `files/md5/${v2(h)}`;

async function upload(remotePath: string, body: Buffer): Promise<void> {
  const response = await fetch(`${remote.base}/${remotePath}`, {
    method: 'PUT',
    headers: AUTH,
    body: new Uint8Array(body),
  });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  server = await startTestServer({ CAIRN_ADMIN_PASSWORD: 'admin-password-fetch', CAIRN_ADMIN_TOKEN: TOKEN });
  const created = await fetch(`${server.url}/api/v1/repos`, {
    method: 'POST',
    headers: { ...AUTH, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'fetch', private: true }),
  });
  expect(created.status).toBe(201);
  remote = { base: `${server.url}/admin/fetch.dvc`, headers: AUTH };
  await upload(v2(md5hex(lf)), crlf); // DVC 2 push of the CRLF file
  await upload(v3(md5hex(crlf)), crlf); // DVC 3 push of the same CRLF file
  await upload(v3(md5hex(lf)), lf); // DVC 3 push of the LF file: same hex as the legacy object
});
afterAll(() => server?.stop());

describe('fetching data objects', () => {
  it('caches the DVC 2 and DVC 3 objects apart, each read back as its own bytes', async () => {
    const store = new DexieBlobStore(makeDb('fetch-test-1'));
    const progress: number[] = [];
    await downloadObject(remote, store, 'md5-dos2unix', md5hex(lf), (p) => progress.push(p.loaded));
    await downloadObject(remote, store, 'md5', md5hex(lf));
    await downloadObject(remote, store, 'md5', md5hex(crlf));
    expect(progress.at(-1)).toBe(crlf.byteLength);
    const read = async (id: Parameters<typeof store.get>[0]) => Buffer.from((await store.get(id)) ?? []).toString();
    expect(await read(objectId('md5-dos2unix', md5hex(lf)))).toBe('name,value\r\nloss,0.5\r\n');
    expect(await read(objectId('md5', md5hex(lf)))).toBe('name,value\nloss,0.5\n');
    expect(await read(objectId('md5', md5hex(crlf)))).toBe('name,value\r\nloss,0.5\r\n');
    expect(await store.usage()).toEqual({ count: 3, bytes: 2 * crlf.byteLength + lf.byteLength });
  });

  it('refuses bytes that do not hash to their name, and keeps nothing of them', async () => {
    const store = new DexieBlobStore(makeDb('fetch-test-2'));
    // Disk rot on the server: the stored DVC 3 object's bytes change under its name.
    const file = path.join(server.dataDir, 'blobs', 'md5', md5hex(crlf).slice(0, 2), md5hex(crlf).slice(2));
    const original = fs.readFileSync(file);
    fs.writeFileSync(file, Buffer.from('name,value\r\nloss,0.9\r\n'));
    try {
      const error = await downloadObject(remote, store, 'md5', md5hex(crlf)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataFetchError);
      expect((error as DataFetchError).code).toBe('data_corrupt');
    } finally {
      fs.writeFileSync(file, original);
    }
    expect(await store.has(objectId('md5', md5hex(crlf)))).toBe(false);
    expect(await store.usage()).toEqual({ count: 0, bytes: 0 });
  });

  it('says when the server does not have the object', async () => {
    const store = new DexieBlobStore(makeDb('fetch-test-3'));
    const error = await downloadObject(remote, store, 'md5', md5hex('never pushed')).catch((e: unknown) => e);
    expect((error as DataFetchError).code).toBe('data_not_on_server');
  });
});
