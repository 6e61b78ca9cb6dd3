import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import solid from 'vite-plugin-solid';
import { productionBuild } from '../test/support/build-app.ts';

/**
 * Builds a browser bench's harness page (a folder beside the bench with an index.html that
 * imports the app's own modules) into `outDir`, as the app is built: Solid, module workers.
 */
export async function buildBenchPage(root: string, outDir: string): Promise<void> {
  await productionBuild({
    root,
    logLevel: 'error',
    configFile: false,
    plugins: [solid()],
    worker: { format: 'es' },
    // BENCH_MINIFY=0 keeps names readable in traces (long-task-trace.ts) and profiles.
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: process.env.BENCH_MINIFY !== '0' },
  });
}

/**
 * Serves a built bench page (`outDir`) on 127.0.0.1: its files, and index.html for any other
 * path (the page and its workers on one origin, as OPFS and IndexedDB need).
 */
export async function serveBenchPage(outDir: string): Promise<{ url: string; close(): void }> {
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.wasm': 'application/wasm',
  };
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = path.resolve(outDir, `.${rel}`);
    if (!file.startsWith(outDir + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory())
      file = path.join(outDir, 'index.html');
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}
