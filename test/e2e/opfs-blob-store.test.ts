/**
 * The OPFS data cache in real Chromium (OPFS is not in Node): the BlobStore conformance suite,
 * the store's own checks and the move of an existing IndexedDB cache, all run in a dedicated
 * worker of a small page (test/e2e/blob-store-page) built with vite from the app's modules; and,
 * on that page, a git pack kept in OPFS read whole and by range (StoredPacks).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productionBuild } from '../support/build-app.ts';
import { e2eAvailable, type LaunchedBrowser, launchChromium } from '../support/chromium.ts';
import type { TestOutcome } from './blob-store-page/vitest-shim.ts';

const pageRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), 'blob-store-page');

/** Serves the built page (same origin for the page and its workers: OPFS is per origin). */
function serve(dir: string): Promise<http.Server> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(dir, rel === '/' ? 'index.html' : rel);
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(!e2eAvailable())('the OPFS data cache in Chromium', () => {
  let chrome: LaunchedBrowser;
  let server: http.Server;
  let outcomes: TestOutcome[] = [];
  let pageWrites: Awaited<ReturnType<Window['pageWrites']>>;
  let packReads: Awaited<ReturnType<Window['storedPackReads']>>;
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-blob-store-page-'));

  beforeAll(async () => {
    await productionBuild({
      root: pageRoot,
      logLevel: 'error',
      configFile: false,
      worker: { format: 'es' },
      build: { outDir, emptyOutDir: true, target: 'es2022' },
      // The suite is written for Vitest in Node: in the page, `vitest` is the shim that runs it.
      resolve: {
        alias: {
          vitest: path.join(pageRoot, 'vitest-shim.ts'),
          'node:crypto': path.join(pageRoot, 'node-crypto-shim.ts'),
        },
      },
    });
    server = await serve(outDir);
    chrome = await launchChromium();
    const page = await chrome.context.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    page.setDefaultTimeout(120_000);
    outcomes = await page.evaluate(() => window.runSuites());
    pageWrites = await page.evaluate(() => window.pageWrites());
    packReads = await page.evaluate(() => window.storedPackReads());
  });
  afterAll(async () => {
    await chrome?.close();
    server?.close();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  const failures = () => outcomes.filter((o) => !o.ok).map((o) => `${o.name}\n${o.error}`);
  const passedIn = (suite: string) => outcomes.filter((o) => o.ok && o.name.startsWith(suite)).length;

  it('passes the BlobStore conformance suite writing through sync access handles', () => {
    expect(failures()).toEqual([]);
    expect(passedIn('BlobStore conformance: OPFS (sync access handles')).toBe(14);
  });

  it('passes it too where writes fall back to IndexedDB chunk rows (no sync handles)', () => {
    expect(failures()).toEqual([]);
    expect(passedIn('BlobStore conformance: OPFS store where sync handles are missing')).toBe(14);
  });

  it('packs batches, sweeps unnamed files, and moves an existing IndexedDB cache into OPFS', () => {
    expect(failures()).toEqual([]);
    expect(passedIn('OpfsBlobStore')).toBe(4);
  });

  it("stores a page's writes (a download, a batch) in OPFS files through the write worker", () => {
    expect(pageWrites.isNew).toEqual([true, true, true, true]);
    expect(pageWrites.places).toEqual(['opfs', 'opfs', 'opfs', 'opfs']);
    expect(pageWrites.readBack).toEqual(pageWrites.expected);
    expect(pageWrites.diskBlob).toBe(pageWrites.expected[0]);
    expect(pageWrites.againIsNew).toEqual([true, true, true]);
    expect(pageWrites.afterDelete).toBe(0);
  });

  it('reads a git pack in OPFS whole when small, and by range through its block cache when asked', () => {
    expect(packReads).toEqual({ whole: true, ranged: true, ranges: [true, true, true, true, true] });
  });
});
