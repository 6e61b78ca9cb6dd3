/**
 * Serving the app shell: Cairn's server against a bare Node HTTP server sending the same
 * bytes from memory, both on loopback in this run.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { configFromEnv, startCairn } from '../sync-server/src/index.ts';
import { measure, report } from './lib.ts';

const REQUESTS = 2000;
const CONCURRENCY = 16;

const appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-app-'));
const html = `<!doctype html><html><body>${'x'.repeat(800)}</body></html>`;
fs.writeFileSync(path.join(appDir, 'index.html'), html);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-data-'));

const cairn = await startCairn(
  configFromEnv({ PORT: '0', CAIRN_DATA: dataDir, CAIRN_APP_DIR: appDir, CAIRN_LOG: 'silent', CAIRN_DEMO: '0' }),
);
const plain = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(html) });
  res.end(html);
});
await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
const plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;

async function hammer(base: string, pathname: string): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < REQUESTS) {
        const res = await fetch(`${base}${pathname}`);
        await res.arrayBuffer();
      }
    }),
  );
}

const baseline = await measure('plain node http (memory)', () => hammer(plainUrl, '/'), { runs: 5 });
const index = await measure('cairn: index.html', () => hammer(cairn.url, '/index.html'), { runs: 5 });
const route = await measure('cairn: app route fallback', () => hammer(cairn.url, '/o/r/tree/main/x'), { runs: 5 });
const health = await measure('cairn: /healthz', () => hammer(cairn.url, '/healthz'), { runs: 5 });
report(`${REQUESTS} GETs, ${CONCURRENCY} at a time`, baseline, [index, route, health], {
  'requests/s (cairn index.html)': ((REQUESTS / index.medianMs) * 1000).toFixed(0),
});

await cairn.close();
plain.close();
fs.rmSync(appDir, { recursive: true, force: true });
fs.rmSync(dataDir, { recursive: true, force: true });
