import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The DVC HTTP remote over raw HTTP, as DVC 2 (requests) and DVC 3 (aiohttp) talk to it
 * (docs/FORMATS.md §2): both layouts, POST and PUT, chunked bodies without Content-Length, hash
 * checked against the name, HEAD/GET/range, the batch-missing call, auth and bad names.
 */
const TOKEN = 'cairn_test_admin_token_dvc_0001';

let server: TestServer;
const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const ADMIN = basic('admin', TOKEN);
const v3 = (h: string, dir = false) => `files/md5/${h.slice(0, 2)}/${h.slice(2)}${dir ? '.dir' : ''}`;
const v2 = (h: string) => `${h.slice(0, 2)}/${h.slice(2)}`;

/** An upload the way DVC sends it: body streamed in chunks, `Transfer-Encoding: chunked`, no Content-Length. */
function chunkedUpload(
  method: 'POST' | 'PUT',
  urlPath: string,
  chunks: Buffer[],
  auth = ADMIN,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${urlPath}`, { method, headers: { Authorization: auth } }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

const blobFiles = () => {
  const root = path.join(server.dataDir, 'blobs');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) =>
    fs.statSync(path.join(root, f)).isFile(),
  );
};

async function api(method: string, p: string, body?: unknown, auth = ADMIN): Promise<Response> {
  return fetch(`${server.url}${p}`, {
    method,
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

beforeAll(async () => {
  server = await startTestServer({ CAIRN_ADMIN_PASSWORD: 'admin-password-dvc', CAIRN_ADMIN_TOKEN: TOKEN });
  expect((await api('POST', '/api/v1/repos', { name: 'data', private: true })).status).toBe(201);
  expect((await api('POST', '/api/v1/repos', { name: 'other', private: true })).status).toBe(201);
  expect((await api('POST', '/api/v1/users', { username: 'reader', password: 'reader-password' })).status).toBe(201);
  expect((await api('PUT', '/api/v1/repos/admin/data/collaborators/reader', { permission: 'read' })).status).toBe(200);
});
afterAll(() => server?.stop());

describe('DVC remote', () => {
  it('stores a chunked POST in the DVC 3 layout and serves it back (GET, HEAD, range)', async () => {
    const parts = [Buffer.from('a,b\n'), Buffer.alloc(100_000, 'x'), Buffer.from('\nend\n')];
    const body = Buffer.concat(parts);
    const h = md5(body);
    const url = `/admin/data.dvc/${v3(h)}`;
    expect((await fetch(`${server.url}${url}`, { method: 'HEAD', headers: { Authorization: ADMIN } })).status).toBe(
      404,
    );
    expect((await chunkedUpload('POST', url, parts)).status).toBe(200);
    const get = await fetch(`${server.url}${url}`, { headers: { Authorization: ADMIN } });
    expect(get.status).toBe(200);
    expect(md5(Buffer.from(await get.arrayBuffer()))).toBe(h);
    const head = await fetch(`${server.url}${url}`, { method: 'HEAD', headers: { Authorization: ADMIN } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(body.length));
    expect(head.headers.get('etag')).toBe(`"${h}"`);
    const range = await fetch(`${server.url}${url}`, { headers: { Authorization: ADMIN, Range: 'bytes=0-3' } });
    expect(range.status).toBe(206);
    expect(await range.text()).toBe('a,b\n');
    expect(range.headers.get('content-range')).toBe(`bytes 0-3/${body.length}`);
    const tail = await fetch(`${server.url}${url}`, { headers: { Authorization: ADMIN, Range: 'bytes=-4' } });
    expect(await tail.text()).toBe('end\n');
    const past = await fetch(`${server.url}${url}`, { headers: { Authorization: ADMIN, Range: 'bytes=999999-' } });
    expect(past.status).toBe(416);
  });

  it('stores a chunked PUT in the DVC 2 layout', async () => {
    const parts = [Buffer.from('legacy '), Buffer.from('layout')];
    const h = md5(Buffer.concat(parts));
    expect((await chunkedUpload('PUT', `/admin/data.dvc/${v2(h)}`, parts)).status).toBe(200);
    const get = await fetch(`${server.url}/admin/data.dvc/${v2(h)}`, { headers: { Authorization: ADMIN } });
    expect(await get.text()).toBe('legacy layout');
  });

  it('refuses bytes that do not hash to their name with 400 and stores nothing', async () => {
    const before = blobFiles();
    const h = md5('the real content');
    const r = await chunkedUpload('POST', `/admin/data.dvc/${v3(h)}`, [Buffer.from('other content')]);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error.code).toBe('blob_hash_mismatch');
    expect(blobFiles()).toEqual(before);
    expect((await fetch(`${server.url}/admin/data.dvc/${v3(h)}`, { headers: { Authorization: ADMIN } })).status).toBe(
      404,
    );
  });

  it('accepts valid .dir manifests and refuses invalid ones', async () => {
    const manifest = Buffer.from(JSON.stringify([{ md5: md5('x'), relpath: 'a/x.csv' }]));
    const h = md5(manifest);
    expect((await chunkedUpload('POST', `/admin/data.dvc/${v3(h, true)}`, [manifest])).status).toBe(200);
    for (const bad of ['not json', '{"md5": 1}', JSON.stringify([{ md5: md5('x'), relpath: '../escape' }])]) {
      const b = Buffer.from(bad);
      const r = await chunkedUpload('POST', `/admin/data.dvc/${v3(md5(b), true)}`, [b]);
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body).error.code).toBe('dvc_bad_manifest');
    }
  });

  it('answers the batch call with what is missing, at both URLs', async () => {
    const have = Buffer.from('present object');
    await chunkedUpload('PUT', `/admin/data.dvc/${v3(md5(have))}`, [have]);
    const absent = md5('absent object');
    const oids = [md5(have), absent, `${absent}.dir`];
    const a = await api('POST', '/admin/data.dvc/missing', { oids });
    expect(await a.json()).toEqual({ missing: [absent, `${absent}.dir`] });
    const b = await api('POST', '/api/v1/repos/admin/data/dvc/missing', { hashes: oids });
    expect(await b.json()).toEqual({ missing: [absent, `${absent}.dir`] });
    expect((await api('POST', '/admin/data.dvc/missing', { oids: ['../../etc/passwd'] })).status).toBe(400);
    const malformed = await fetch(`${server.url}/admin/data.dvc/missing`, {
      method: 'POST',
      headers: { Authorization: ADMIN },
      body: '{"oids": [',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('malformed_json');
  });

  it('keeps access per repository: an object uploaded to one repo is not in another', async () => {
    const b = Buffer.from('only in data');
    await chunkedUpload('POST', `/admin/data.dvc/${v3(md5(b))}`, [b]);
    const other = await fetch(`${server.url}/admin/other.dvc/${v3(md5(b))}`, { headers: { Authorization: ADMIN } });
    expect(other.status).toBe(404);
  });

  it('stores one copy when 20 clients upload the same object at once', async () => {
    const body = Buffer.alloc(300_000, 'z');
    const h = md5(body);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        chunkedUpload('PUT', `/admin/data.dvc/${v3(h)}`, [body.subarray(0, 150_000), body.subarray(150_000)]),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(blobFiles().filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(blobFiles().filter((f) => f.endsWith(h.slice(2)))).toHaveLength(1);
  });

  it('asks for credentials (401 + Basic) and refuses a reader who uploads (403)', async () => {
    const b = Buffer.from('secret');
    const url = `/admin/data.dvc/${v3(md5(b))}`;
    for (const auth of ['', basic('admin', 'wrong-password')]) {
      const res = await fetch(`${server.url}${url}`, { headers: auth ? { Authorization: auth } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
    }
    const r = await chunkedUpload('POST', url, [b], basic('reader', 'reader-password'));
    expect(r.status).toBe(403);
    expect(
      (await fetch(`${server.url}${url}`, { headers: { Authorization: basic('reader', 'reader-password') } })).status,
    ).toBe(404);
  });

  it('refuses traversal and malformed object names, wrong methods; writes nothing outside the data folder', async () => {
    const before = blobFiles();
    const names = [
      'files/md5/../../../etc/passwd',
      'files/md5/%2e%2e/%2e%2e/x',
      'files/md5/AB/CDEF0123456789ABCDEF0123456789',
      `files/md5/ab/${'c'.repeat(29)}`,
      `files/md5/ab/${'c'.repeat(31)}`,
      'ab/..%5c..%5cx',
      'files/md5/ab/cdef0123456789abcdef0123456789%00',
    ];
    for (const n of names) {
      const r = await chunkedUpload('PUT', `/admin/data.dvc/${n}`, [Buffer.from('x')]);
      // `..` segments are resolved by URL parsing before routing, so some never reach the remote (405 from the app).
      expect([400, 404, 405]).toContain(r.status);
    }
    for (const repo of ['..', '.git', 'a%2fb', 'x'.repeat(1000)]) {
      const r = await chunkedUpload('PUT', `/admin/${repo}.dvc/${v3(md5('x'))}`, [Buffer.from('x')]);
      expect([400, 401, 404, 405]).toContain(r.status);
    }
    expect(blobFiles()).toEqual(before);
    expect(fs.existsSync(path.join(server.dataDir, '..', 'etc'))).toBe(false);
    const del = await fetch(`${server.url}/admin/data.dvc/${v3(md5('x'))}`, {
      method: 'DELETE',
      headers: { Authorization: ADMIN },
    });
    expect(del.status).toBe(405);
  });

  it('refuses huge headers with 431 and keeps serving', async () => {
    const res = await fetch(`${server.url}/admin/data.dvc/${v3(md5('x'))}`, {
      headers: { Authorization: ADMIN, 'X-Pad': 'p'.repeat(64 * 1024) },
    });
    expect(res.status).toBe(431);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('DVC 2 legacy objects (md5-dos2unix names)', () => {
  // A CRLF text file: DVC 2 names it by the md5 of its LF form but uploads the raw CRLF bytes.
  const crlf = Buffer.from('id,label\r\n1,cell\r\n2,nucleus\r\n');
  const legacyName = md5(crlf.toString('latin1').replaceAll('\r\n', '\n'));

  it('accepts the raw CRLF bytes at a DVC 2 path and serves them back unchanged', async () => {
    expect(legacyName).not.toBe(md5(crlf));
    const put = await chunkedUpload('POST', `/admin/data.dvc/${v2(legacyName)}`, [
      crlf.subarray(0, 7),
      crlf.subarray(7),
    ]);
    expect(put.status).toBe(200);
    const got = await fetch(`${server.url}/admin/data.dvc/${v2(legacyName)}`, { headers: { Authorization: ADMIN } });
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(crlf)).toBe(true);
  });

  it('keeps them apart from DVC 3 objects: the same name at a DVC 3 path is not those bytes', async () => {
    const v3Get = await fetch(`${server.url}/admin/data.dvc/${v3(legacyName)}`, {
      method: 'HEAD',
      headers: { Authorization: ADMIN },
    });
    expect(v3Get.status).toBe(404);
    // Under DVC 3 the name must be the md5 of the raw bytes: the legacy name is refused there.
    const wrong = await chunkedUpload('PUT', `/admin/data.dvc/${v3(legacyName)}`, [crlf]);
    expect(wrong.status).toBe(400);
    // And a DVC 2 upload whose bytes do not hash to the name under either rule is refused.
    const bad = await chunkedUpload('PUT', `/admin/data.dvc/${v2(md5('something else'))}`, [crlf]);
    expect(bad.status).toBe(400);
  });

  it('still serves a DVC 3 object at its DVC 2 path (no CRLF: both names agree)', async () => {
    const bytes = Buffer.from([0, 1, 2, 3, 255, 13, 10]);
    expect((await chunkedUpload('POST', `/admin/data.dvc/${v3(md5(bytes))}`, [bytes])).status).toBe(200);
    const got = await fetch(`${server.url}/admin/data.dvc/${v2(md5(bytes))}`, { headers: { Authorization: ADMIN } });
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
  });
});
