/**
 * Hashes a workspace path — a file or a directory — as DVC would record it, optionally storing
 * every object in the local cache (what `cairn add` and `cairn repro` do for outputs).
 * Directories: many small files go to the worker pool; the `.dir` manifest comes from core.
 * With a HashState, files whose stats are unchanged since they were last hashed are not read
 * (only when nothing is to be stored: `cairn add` must still copy every object into the cache),
 * and every file hashed is recorded.
 */
import fs from 'node:fs';
import { type CacheLayout, type DirEntry, dirHash, type HashAlgorithm, layoutOf } from '@cairn/core';
import { hashFile, WHOLE_READ_LIMIT } from './file-hashing.ts';
import { HashPool, hashManySmallFiles, POOL_THRESHOLD } from './hash-pool.ts';
import type { FileStamp, HashState } from './hash-state.ts';
import type { LocalCache } from './local-cache.ts';
import { nodeMd5 } from './node-md5.ts';
import type { Progress } from './progress.ts';
import { absPath, type Repo } from './repo.ts';
import { type Listings, walkFiles } from './walk.ts';

export interface WorkspaceHashOptions {
  /** Store every object in this cache (`cairn add`, outputs of `cairn repro`). */
  cache?: LocalCache;
  progress?: Progress;
  /** Remembered hashes: read when nothing is stored, written always (hash-state.ts). */
  state?: HashState;
  /** Folder listings this command already read (walk.ts). */
  listings?: Listings;
}

export interface PathHash {
  oid: string;
  size: number;
  isDir: boolean;
  /** Directories only. */
  nfiles?: number;
  /** Directories only, and absent when the directory's hash came from the remembered state. */
  entries?: DirEntry[];
}

/** The hash of `posix` (repo-relative), or undefined when nothing is there. */
export async function hashWorkspacePath(
  repo: Repo,
  posix: string,
  algorithm: HashAlgorithm,
  opts: WorkspaceHashOptions = {},
): Promise<PathHash | undefined> {
  const abs = absPath(repo, posix);
  const st = fs.statSync(abs, { throwIfNoEntry: false });
  if (!st) return undefined;
  const layout = layoutOf(algorithm);
  if (!st.isDirectory()) {
    const stats = opts.state ? fs.statSync(abs) : undefined;
    const known = stats && !opts.cache ? opts.state?.lookup(abs, algorithm, stats) : undefined;
    const h = known ?? (await hashFile(abs, algorithm, (n) => opts.progress?.addBytes(n)));
    if (stats && !known) opts.state?.record(abs, algorithm, stats, h);
    opts.progress?.addFiles(1);
    opts.cache?.putFile(h.md5, layout, abs);
    return { oid: h.md5, size: h.size, isDir: false };
  }
  return hashDirectory(repo, posix, algorithm, layout, opts);
}

async function hashDirectory(
  repo: Repo,
  posix: string,
  algorithm: HashAlgorithm,
  layout: CacheLayout,
  opts: WorkspaceHashOptions,
): Promise<PathHash> {
  const files = walkFiles(repo, posix, opts.listings ? { listings: opts.listings } : {});
  opts.progress?.addTotals(
    files.length,
    files.reduce((s, f) => s + f.size, 0),
  );
  const entries: DirEntry[] = new Array(files.length);
  const pooled: number[] = [];
  const local: number[] = [];
  // The walk's stats, taken before hashing: a file changed while it is read misses next time.
  const stats = opts.state ? files.map((f) => f.stamp as FileStamp) : undefined;
  let known = 0;
  // The files' state entries in walk order (-1: hashed now): the key of a remembered `.dir` hash.
  const members: number[] = new Array(files.length).fill(-1);
  const state = stats && !opts.cache ? opts.state : undefined;
  const dirAbs = absPath(repo, posix);
  // Last time's files of this folder in walk order: an unchanged folder matches them one by one.
  const hints = state?.dirMembers(dirAbs, algorithm);
  files.forEach((f, i) => {
    const hint = hints?.[i];
    const at = !state
      ? -1
      : hint === undefined
        ? state.find(f.abs, algorithm, stats![i]!)
        : state.findHinted(f.abs, algorithm, stats![i]!, hint);
    if (at >= 0) {
      entries[i] = { relpath: f.relpath, md5: state!.md5At(at), size: f.size };
      members[i] = at;
      known++;
      return;
    }
    (algorithm === 'md5' && f.size <= WHOLE_READ_LIMIT ? pooled : local).push(i);
  });
  if (known > 0) opts.progress?.addFiles(known);
  if (state && known === files.length) {
    const memo = state.lookupDir(dirAbs, algorithm, members);
    if (memo) return { ...memo, isDir: true };
  }
  const remember = (i: number, h: { md5: string; size: number }) => {
    if (stats && opts.state) members[i] = opts.state.record(files[i]!.abs, algorithm, stats[i]!, h);
  };
  if (pooled.length < POOL_THRESHOLD) local.push(...pooled.splice(0));
  // Worker threads only pay off for many files (each costs ~100 ms to start).
  const pool = pooled.length > 0 ? new HashPool() : undefined;
  try {
    const poolDone =
      pooled.length > 0
        ? hashManySmallFiles(
            pooled.map((i) => files[i]!.abs),
            {
              ...(pool ? { pool } : {}),
              ...(opts.cache ? { cacheRoot: opts.cache.root } : {}),
              onDone: (n, bytes) => {
                opts.progress?.addFiles(n);
                opts.progress?.addBytes(bytes);
              },
            },
          ).then((hashes) =>
            hashes.forEach((h, k) => {
              const f = files[pooled[k]!]!;
              entries[pooled[k]!] = { relpath: f.relpath, md5: h.md5, size: h.size };
              remember(pooled[k]!, h);
            }),
          )
        : Promise.resolve();
    for (const i of local) {
      const f = files[i]!;
      const h = await hashFile(f.abs, algorithm, (n) => opts.progress?.addBytes(n));
      opts.progress?.addFiles(1);
      opts.cache?.putFile(h.md5, layout, f.abs);
      entries[i] = { relpath: f.relpath, md5: h.md5, size: h.size };
      remember(i, h);
    }
    await poolDone;
  } finally {
    await pool?.close();
  }
  const dir = await dirHash(entries, nodeMd5);
  opts.cache?.putBytes(dir.oid, layout, dir.bytes);
  if (stats && opts.state && members.every((m) => m >= 0)) {
    opts.state.recordDir(dirAbs, algorithm, members, { oid: dir.oid, size: dir.size ?? 0, nfiles: dir.nfiles });
  }
  return { oid: dir.oid, size: dir.size ?? 0, isDir: true, nfiles: dir.nfiles, entries: dir.entries };
}
