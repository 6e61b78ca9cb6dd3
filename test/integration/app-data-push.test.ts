import '../../app/src/test-setup.ts';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../../app/src/storage/blob-store.ts';
import { makeDb } from '../../app/src/storage/db.ts';
import { DexieBlobStore } from '../../app/src/storage/dexie-blob-store.ts';
import { type DataPushProgress, type DvcRemote, missingOnServer, pushObjects } from '../../app/src/sync/data-push.ts';
import { type ReferencedObject, referencedObject, remotePathOf } from '../../app/src/sync/referenced-objects.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Data push against the real server (127.0.0.1, temporary data folder) from the real Dexie data
 * cache (on fake-indexeddb): only what the server lacks is sent, an interrupted push resumes
 * with what is still missing, and DVC 2 and DVC 3 objects of the same hex land at their own
 * paths with their own bytes.
 */
const TOKEN = 'cairn_test_admin_token_push_0001';
const AUTH = { Authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` };

let server: TestServer;
let dbCount = 0;
const md5hex = (b: Uint8Array | string) => createHash('md5').update(b).digest('hex');
const bytes = (text: string) => new TextEncoder().encode(text);

function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 131 + seed * 7 + (i >> 9)) & 0xff;
  return out;
}

async function newRemote(name: string): Promise<DvcRemote> {
  const created = await fetch(`${server.url}/api/v1/repos`, {
    method: 'POST',
    headers: { ...AUTH, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, private: true }),
  });
  expect(created.status).toBe(201);
  return { server: server.url, base: `${server.url}/admin/${name}.dvc`, headers: AUTH };
}

/** Object files in the server's blob stores (temp files of unfinished uploads excluded). */
function serverObjectFiles(): string[] {
  const root = path.join(server.dataDir, 'blobs');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(root, f)).isFile() && !path.basename(f).startsWith('.tmp-'))
    .sort();
}

async function download(remote: DvcRemote, o: ReferencedObject): Promise<Buffer> {
  const response = await fetch(`${remote.base}/${remotePathOf(o)}`, { headers: AUTH });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

beforeAll(async () => {
  server = await startTestServer({ CAIRN_ADMIN_PASSWORD: 'admin-password-push', CAIRN_ADMIN_TOKEN: TOKEN });
});
afterAll(() => server?.stop());

describe('data push against the real server', () => {
  it('an interrupted push resumes with only what is still missing; each object arrives once, verified', async () => {
    const remote = await newRemote('resume');
    const store = new DexieBlobStore(makeDb(`push-test-${++dbCount}`));
    // Five files (one spanning three cache chunks) and the manifest listing them.
    const files = [pattern(CHUNK_BYTES * 2 + 777, 1), ...[2, 3, 4, 5].map((s) => pattern(1000 * s, s))];
    const objects: ReferencedObject[] = [];
    for (const data of files) {
      const o = referencedObject('md5', md5hex(data));
      await store.put(o.object, data);
      objects.push(o);
    }
    const manifestText = `[${objects.map((o, i) => `{"md5": "${o.oid}", "relpath": "f${i}.bin"}`).join(', ')}]`;
    const manifest = referencedObject('md5', `${md5hex(manifestText)}.dir`);
    await store.put(manifest.object, bytes(manifestText));
    objects.push(manifest);

    // First push: stopped once two objects are up (the tab closed, the network dropped).
    const first = new AbortController();
    const seen: DataPushProgress[] = [];
    const stopped = await pushObjects(remote, store, objects, {
      signal: first.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.objectsDone === 2) first.abort(new Error('tab closed'));
      },
    }).catch((e: unknown) => e);
    expect((stopped as Error).message).toBe('tab closed');
    expect(seen[0]?.objectsTotal).toBe(6);
    expect((await missingOnServer(remote, store, objects)).length).toBe(4);

    // Second push: cut while the big object's body is on the wire. Whatever the timing, the
    // server keeps that object whole and verified or not at all.
    const second = new AbortController();
    const cut = await pushObjects(remote, store, objects, {
      signal: second.signal,
      onProgress: (p) => {
        if (p.current) setTimeout(() => second.abort(new Error('network lost')), 1);
      },
    }).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(Error);
    const stillMissing = await missingOnServer(remote, store, objects);
    expect(stillMissing.length).toBeGreaterThanOrEqual(1);
    expect(stillMissing.length).toBeLessThanOrEqual(4);

    // Third push: sends exactly what is still missing, manifest last.
    const sent: string[] = [];
    let total = -1;
    const count = await pushObjects(remote, store, objects, {
      onProgress: (p) => {
        if (total < 0) total = p.objectsTotal;
        if (p.current) sent.push(p.current.oid);
      },
    });
    expect(count).toBe(stillMissing.length);
    expect(total).toBe(stillMissing.length);
    expect(new Set(sent)).toEqual(new Set(stillMissing.map((o) => o.oid)));
    expect(sent.at(-1)).toBe(manifest.oid);

    // Every object is on the server once, and its bytes hash to its name.
    expect(await missingOnServer(remote, store, objects)).toEqual([]);
    const onDisk = serverObjectFiles();
    expect(onDisk).toHaveLength(objects.length);
    for (const o of objects) {
      expect(onDisk.filter((f) => f.replaceAll(path.sep, '').endsWith(o.oid.replace(/\.dir$/, '')))).toHaveLength(1);
      expect(md5hex(await download(remote, o))).toBe(o.oid.replace(/\.dir$/, ''));
    }
    // Nothing left to send.
    expect(await pushObjects(remote, store, objects)).toBe(0);
  });

  it('sends a CRLF file tracked by DVC 2 and by DVC 3, and the LF file of the same hex, each to its own path', async () => {
    const remote = await newRemote('crlf');
    const store = new DexieBlobStore(makeDb(`push-test-${++dbCount}`));
    const crlf = bytes('name,value\r\nloss,0.5\r\n');
    const lf = bytes('name,value\nloss,0.5\n');
    const legacy = referencedObject('md5-dos2unix', md5hex(lf)); // DVC 2: md5 of the LF form
    const dvc3 = referencedObject('md5', md5hex(crlf)); // DVC 3: md5 of the raw bytes
    const lfDvc3 = referencedObject('md5', md5hex(lf)); // same hex as the legacy object
    await store.put(legacy.object, crlf);
    await store.put(dvc3.object, crlf);

    // The LF file (DVC 3) goes up first: the server now answers the legacy hex at the DVC 2
    // path with those LF bytes, yet the CRLF legacy object is still reported missing.
    await store.put(lfDvc3.object, lf);
    expect(await pushObjects(remote, store, [lfDvc3])).toBe(1);
    expect(await missingOnServer(remote, store, [legacy, dvc3, lfDvc3])).toEqual([legacy, dvc3]);

    expect(await pushObjects(remote, store, [legacy, dvc3, lfDvc3])).toBe(2);
    expect(remotePathOf(legacy)).toBe(`${legacy.oid.slice(0, 2)}/${legacy.oid.slice(2)}`);
    expect(remotePathOf(dvc3)).toBe(`files/md5/${dvc3.oid.slice(0, 2)}/${dvc3.oid.slice(2)}`);
    expect((await download(remote, legacy)).toString()).toBe('name,value\r\nloss,0.5\r\n');
    expect((await download(remote, dvc3)).toString()).toBe('name,value\r\nloss,0.5\r\n');
    expect((await download(remote, lfDvc3)).toString()).toBe('name,value\nloss,0.5\n');
    expect(await missingOnServer(remote, store, [legacy, dvc3, lfDvc3])).toEqual([]);
    expect(await pushObjects(remote, store, [legacy, dvc3, lfDvc3])).toBe(0);
  });
});
