#!/usr/bin/env node
/**
 * Bundles the `cairn` command into `dist/` with esbuild, so `bin/cairn.js` starts plain
 * JavaScript instead of loading tsx and compiling ~100 TypeScript files on every run (start-up
 * was most of an unchanged `cairn status`). Run by the root `prepare` script on `npm ci` and
 * `npm install`; `dist/inputs.json` lists every source bundled with its mtime, and bin/cairn.js
 * falls back to the TypeScript sources when any of them changed since — so an edit is never
 * hidden behind a stale bundle. A failed build only costs speed: it prints one line and exits 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');

try {
  const esbuild = await import('esbuild');
  const tmp = `${dist}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: { cairn: path.join(root, 'src/main.ts'), 'hash-worker': path.join(root, 'src/hash-worker.ts') },
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    logLevel: 'error',
    // Bundled CommonJS dependencies may call require(): give the ES module one.
    banner: {
      js: "import { createRequire as __cairnRequire } from 'node:module'; const require = __cairnRequire(import.meta.url);",
    },
  });
  const inputs = Object.keys(result.metafile.inputs)
    .map((p) => path.resolve(process.cwd(), p))
    .map((p) => [p, fs.statSync(p).mtimeMs]);
  fs.writeFileSync(path.join(tmp, 'inputs.json'), JSON.stringify(inputs));
  fs.rmSync(dist, { recursive: true, force: true });
  fs.renameSync(tmp, dist);
} catch (err) {
  console.warn(
    `cairn: the CLI bundle was not built (${err instanceof Error ? err.message : err}); bin/cairn.js runs the TypeScript sources instead`,
  );
}
