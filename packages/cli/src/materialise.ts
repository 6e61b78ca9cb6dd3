/**
 * Checkout: making the workspace hold exactly what an out records, copying from the local
 * cache (reflinks where the file system has them). Files already right are left alone (same
 * size and hash); files inside a tracked folder that the manifest does not list are removed,
 * as `dvc checkout` does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isDirOid, layoutOf } from '@cairn/core';
import { copyFileAtomic } from './atomic-write.ts';
import { hashFileSync } from './file-hashing.ts';
import type { LocalCache } from './local-cache.ts';
import { absPath, type Repo } from './repo.ts';
import type { TrackedOut } from './tracked.ts';
import { walkFiles } from './walk.ts';

export type CheckoutResult =
  | { kind: 'unchanged' }
  | { kind: 'added' | 'modified' }
  | { kind: 'missing'; objects: string[] }
  | { kind: 'not_hashed' };

/** Puts one file from the cache at `target` unless it is already there. True if it wrote. */
function placeFile(src: string, target: string, out: TrackedOut, md5: string): boolean {
  const st = fs.lstatSync(target, { throwIfNoEntry: false });
  if (st?.isFile()) {
    const srcSize = fs.statSync(src).size;
    if (st.size === srcSize && hashFileSync(target, out.algorithm).md5 === md5) return false;
  } else if (st) {
    fs.rmSync(target, { recursive: true, force: true });
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  copyFileAtomic(src, target, { mode: 0o644, fsync: false });
  return true;
}

export function checkoutOut(repo: Repo, cache: LocalCache, out: TrackedOut): CheckoutResult {
  if (!out.oid) return { kind: 'not_hashed' };
  const layout = layoutOf(out.algorithm);
  const target = absPath(repo, out.path);
  const existed = fs.existsSync(target);
  if (!isDirOid(out.oid)) {
    if (!cache.has(out.oid, layout)) return { kind: 'missing', objects: [out.oid] };
    const wrote = placeFile(cache.path(out.oid, layout), target, out, out.oid);
    return { kind: wrote ? (existed ? 'modified' : 'added') : 'unchanged' };
  }
  const entries = cache.readManifest(out.oid, layout);
  if (!entries) return { kind: 'missing', objects: [out.oid] };
  const missing = entries.filter((e) => !cache.has(e.md5, layout)).map((e) => e.md5);
  if (missing.length > 0) return { kind: 'missing', objects: missing };
  if (existed && !fs.statSync(target).isDirectory()) fs.rmSync(target, { force: true });
  let changed = false;
  for (const e of entries) {
    if (placeFile(cache.path(e.md5, layout), path.join(target, ...e.relpath.split('/')), out, e.md5)) changed = true;
  }
  const listed = new Set(entries.map((e) => e.relpath));
  for (const f of walkFiles(repo, out.path, { names: true })) {
    if (!listed.has(f.relpath)) {
      fs.rmSync(f.abs, { force: true });
      changed = true;
    }
  }
  if (!changed) return { kind: 'unchanged' };
  return { kind: existed ? 'modified' : 'added' };
}
