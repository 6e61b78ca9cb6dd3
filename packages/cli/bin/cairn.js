#!/usr/bin/env node
// The `cairn` command. Runs the bundle in ../dist (built on `npm ci` by scripts/build.mjs) when
// none of the sources it was built from changed since; otherwise registers tsx and runs the
// TypeScript sources as they are, so an edit is never hidden behind a stale bundle.
import fs from 'node:fs';

const dist = new URL('../dist/', import.meta.url);

function bundleIsFresh() {
  try {
    const inputs = JSON.parse(fs.readFileSync(new URL('inputs.json', dist), 'utf8'));
    return inputs.every(([file, mtimeMs]) => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs === mtimeMs);
  } catch {
    return false;
  }
}

if (bundleIsFresh()) {
  const { main } = await import(new URL('cairn.mjs', dist).href);
  await main();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/main.ts');
  await main();
}
