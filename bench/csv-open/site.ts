/**
 * Builds the CSV harness page (index.html + main.tsx: the app's real CsvViewer and its worker)
 * with vite into a folder and serves it on 127.0.0.1. Shared by the csv-open benchmark and the
 * 2-million-row e2e test, which both need the viewer alone rather than the whole app.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import solid from 'vite-plugin-solid';
import { productionBuild } from '../../test/support/build-app.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** What the harness page's `openPicked()` resolves with (main.tsx), read by the bench. */
export interface OpenResult {
  firstRowMs: number;
  doneMs: number;
  longestFrameGapMs: number;
  jumpToMiddleMs: number;
  jumpToEndMs: number;
  /** The last row as drawn after the jump (index, then cells), or '' if it never showed. */
  lastRowCells: string;
  rows: string;
  heapMb: number | null;
}

export interface HarnessSite {
  url: string;
  close(): Promise<void>;
}

/** Builds the harness into `outDir` and serves it; `close()` stops the server. */
export async function serveCsvHarness(outDir: string): Promise<HarnessSite> {
  await productionBuild({
    root: here,
    logLevel: 'error',
    configFile: false,
    plugins: [solid()],
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
  const root = path.resolve(outDir);
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.resolve(root, `.${rel === '/' ? '/index.html' : rel}`);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
