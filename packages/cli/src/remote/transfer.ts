/**
 * Moving cache objects between the local cache and an HTTP remote, as `dvc push`/`dvc fetch`:
 * the needed set is computed locally (each file object, each `.dir` manifest and its entries),
 * the remote is asked what it lacks (or the cache checked, for pulls), and only the difference
 * moves, several transfers at once. Manifests go up after their contents. Everything received
 * is hashed while it streams to a partial file under `.dvc/tmp`, verified, then renamed into the
 * cache; an interrupted download resumes from its partial file with an HTTP range request.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  type CacheLayout,
  dirHash,
  FileHasher,
  type HashAlgorithm,
  isDirOid,
  layoutOf,
  parseDirManifest,
} from '@cairn/core';
import { CliError } from '../cli-error.ts';
import type { LocalCache } from '../local-cache.ts';
import { nodeMd5 } from '../node-md5.ts';
import type { Progress } from '../progress.ts';
import type { TrackedOut } from '../tracked.ts';
import { forEachLimit, type HttpRemote, type ObjectRef } from './http-remote.ts';

interface NeededRef extends ObjectRef {
  algorithm: HashAlgorithm;
  /** Size when known (from .dvc/lock or manifest meta), for the progress bar. */
  size?: number;
}

export interface TransferSummary {
  transferred: number;
  failed: { oid: string; error: string }[];
  /** Objects neither here nor there (push: not in the local cache). */
  missingLocally: string[];
}

function refKey(r: ObjectRef): string {
  return `${r.layout}:${r.oid}`;
}

function addRef(into: Map<string, NeededRef>, ref: NeededRef): void {
  if (!into.has(refKey(ref))) into.set(refKey(ref), ref);
}

export async function push(
  cache: LocalCache,
  remote: HttpRemote,
  outs: TrackedOut[],
  opts: { jobs: number; progress?: Progress },
): Promise<TransferSummary> {
  const files = new Map<string, NeededRef>();
  const dirs = new Map<string, NeededRef>();
  const missingLocally: string[] = [];
  for (const out of outs) {
    if (!out.oid || !out.push) continue;
    const layout = layoutOf(out.algorithm);
    const ref: NeededRef = { oid: out.oid, layout, algorithm: out.algorithm };
    if (!cache.has(out.oid, layout)) {
      missingLocally.push(out.oid);
      continue;
    }
    if (!isDirOid(out.oid)) {
      addRef(files, ref);
      continue;
    }
    addRef(dirs, ref);
    for (const e of cache.readManifest(out.oid, layout) ?? []) {
      if (cache.has(e.md5, layout)) addRef(files, { oid: e.md5, layout, algorithm: out.algorithm });
      else missingLocally.push(e.md5);
    }
  }
  const summary: TransferSummary = { transferred: 0, failed: [], missingLocally };
  // Contents first, manifests after: a remote never holds a manifest whose files it lacks.
  for (const group of [files, dirs]) {
    const todo = (await remote.missing([...group.values()], opts.jobs)) as NeededRef[];
    const sizes = todo.map((r) => fs.statSync(cache.path(r.oid, r.layout)).size);
    opts.progress?.addTotals(
      todo.length,
      sizes.reduce((a, b) => a + b, 0),
    );
    await forEachLimit(todo, opts.jobs, async (r) => {
      try {
        await remote.upload(r, cache.path(r.oid, r.layout), (n) => opts.progress?.addBytes(n));
        summary.transferred++;
        opts.progress?.addFiles(1);
      } catch (e) {
        summary.failed.push({ oid: r.oid, error: (e as Error).message });
      }
    });
  }
  return summary;
}

export async function pull(
  cache: LocalCache,
  remote: HttpRemote,
  outs: TrackedOut[],
  opts: { jobs: number; tmpDir: string; progress?: Progress },
): Promise<TransferSummary> {
  const summary: TransferSummary = { transferred: 0, failed: [], missingLocally: [] };
  const fetchOne = async (r: NeededRef) => {
    try {
      await download(cache, remote, r, opts.tmpDir, opts.progress);
      summary.transferred++;
      opts.progress?.addFiles(1);
    } catch (e) {
      summary.failed.push({ oid: r.oid, error: (e as Error).message });
    }
  };
  // Manifests first: their entries say which files a folder needs.
  const dirs = new Map<string, NeededRef>();
  const files = new Map<string, NeededRef>();
  for (const out of outs) {
    if (!out.oid) continue;
    const ref: NeededRef = { oid: out.oid, layout: layoutOf(out.algorithm), algorithm: out.algorithm };
    if (out.size !== undefined && !isDirOid(out.oid)) ref.size = out.size;
    addRef(isDirOid(out.oid) ? dirs : files, ref);
  }
  const dirTodo = [...dirs.values()].filter((r) => !cache.has(r.oid, r.layout));
  opts.progress?.addTotals(dirTodo.length, 0);
  await forEachLimit(dirTodo, opts.jobs, fetchOne);
  for (const d of dirs.values()) {
    for (const e of cache.readManifest(d.oid, d.layout) ?? []) {
      const ref: NeededRef = { oid: e.md5, layout: d.layout, algorithm: d.algorithm };
      if (e.size !== undefined) ref.size = e.size;
      addRef(files, ref);
    }
  }
  const fileTodo = [...files.values()].filter((r) => !cache.has(r.oid, r.layout));
  opts.progress?.addTotals(
    fileTodo.length,
    fileTodo.reduce((s, r) => s + (r.size ?? 0), 0),
  );
  await forEachLimit(fileTodo, opts.jobs, fetchOne);
  return summary;
}

/** Downloads one object into the cache, resuming a partial file, verifying before it is stored. */
async function download(
  cache: LocalCache,
  remote: HttpRemote,
  ref: NeededRef,
  tmpDir: string,
  progress?: Progress,
): Promise<void> {
  const partialDir = path.join(tmpDir, 'cairn-partial');
  fs.mkdirSync(partialDir, { recursive: true });
  const partial = path.join(partialDir, `${ref.layout}-${ref.oid}`);
  const have = fs.statSync(partial, { throwIfNoEntry: false })?.size ?? 0;
  const dir = isDirOid(ref.oid);
  // Files are checked against their own algorithm; a manifest is checked by re-hashing its entries.
  const hasher = dir ? undefined : new FileHasher(nodeMd5(), ref.algorithm);
  const res = await remote.download(ref, have);
  const handle = await fs.promises.open(partial, res.resumed ? 'a+' : 'w+');
  try {
    if (res.resumed && hasher) {
      const buf = Buffer.allocUnsafe(1 << 20);
      let pos = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) break;
        hasher.push(buf.subarray(0, bytesRead));
        pos += bytesRead;
      }
      progress?.addBytes(pos);
    }
    for await (const chunk of res.body) {
      await handle.write(chunk);
      hasher?.push(chunk);
      progress?.addBytes(chunk.length);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  let ok: boolean;
  if (hasher) {
    ok = hasher.finish().md5 === ref.oid;
  } else {
    const parsed = parseDirManifest(fs.readFileSync(partial, 'utf8'));
    ok = parsed.ok && (await dirHash(parsed.value, nodeMd5)).oid === ref.oid;
  }
  if (!ok) {
    fs.rmSync(partial, { force: true });
    throw new CliError('transfer_failed', `object ${ref.oid} arrived corrupted (its hash does not match); removed`);
  }
  const target = cache.prepare(ref.oid, ref.layout);
  fs.chmodSync(partial, 0o444);
  fs.renameSync(partial, target);
}

export type { CacheLayout };
