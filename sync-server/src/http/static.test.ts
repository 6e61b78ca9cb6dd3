import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStaticHandler } from './static.ts';

describe('serving the PWA', () => {
  let dir: string;
  let base: string;
  let server: http.Server;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-static-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<h1>app</h1>');
    fs.writeFileSync(path.join(dir, 'sw.js'), 'self');
    fs.writeFileSync(path.join(dir, 'assets/index-abc123.js'), 'console.log(1)');
    fs.writeFileSync(path.join(os.tmpdir(), 'cairn-secret.txt'), 'TOP-SECRET-CONTENT');
    const serve = makeStaticHandler(dir);
    server = http.createServer((req, res) => void serve(req, res, new URL(req.url ?? '/', 'http://x').pathname));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('caches hashed assets forever and never caches index.html or the service worker', async () => {
    const asset = await fetch(`${base}/assets/index-abc123.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    for (const p of ['/', '/index.html', '/sw.js']) {
      expect((await fetch(`${base}${p}`)).headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('answers app routes with index.html and missing assets with 404', async () => {
    const route = await fetch(`${base}/owner/repo/tree/main/data`);
    expect(route.status).toBe(200);
    expect(await route.text()).toBe('<h1>app</h1>');
    expect((await fetch(`${base}/assets/missing-123.js`)).status).toBe(404);
    expect((await fetch(`${base}/missing.png`)).status).toBe(404);
    // A file page of the app is a route, even though it ends in an extension.
    const blob = await fetch(`${base}/owner/repo/blob/main/data/train.csv`);
    expect(blob.status).toBe(200);
    expect(await blob.text()).toBe('<h1>app</h1>');
  });

  it('never serves a file outside the app folder', async () => {
    for (const p of ['/../cairn-secret.txt', '/%2e%2e/cairn-secret.txt', '/..%2fcairn-secret.txt']) {
      const text = await (await fetch(`${base}${p}`)).text();
      expect(text).not.toContain('TOP-SECRET-CONTENT');
    }
  });

  it('refuses writes', async () => {
    expect((await fetch(`${base}/index.html`, { method: 'POST', body: 'x' })).status).toBe(405);
  });
});
