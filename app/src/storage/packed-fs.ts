/**
 * A repository's lightning-fs with its OPFS packs (git-packs.ts) served at their usual paths,
 * so isomorphic-git (push, fetch, merge, status) and every other reader of `.git/objects/pack`
 * find a pack wherever it is kept: lightning-fs first (clones made before packs moved to OPFS
 * keep theirs there), then OPFS. isomorphic-git reads a pack whole when it needs an object from
 * it, as it always has; core's reader opens it by range instead (`storedPacksOf` → openPack in
 * object-files.ts).
 *
 *   const fs = packedFs(new FS(fsName), fsName);
 *   await git.push({ fs, dir, ... });
 */
import type FS from '@isomorphic-git/lightning-fs';
import { packNameOf, StoredPacks } from './git-packs.ts';

const STORED_PACKS = Symbol('cairn.storedPacks');
const UNPACKED = Symbol('cairn.unpackedFs');

type AnyFn = (...args: unknown[]) => unknown;

/** Every method of `target` (own and inherited), bound to it: a copy whose calls act on the original. */
function boundMethods(target: object): Record<string, AnyFn> {
  const out: Record<string, AnyFn> = {};
  for (let o: object | null = target; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key === 'constructor' || key in out) continue;
      const value = (target as Record<string, unknown>)[key];
      if (typeof value === 'function') out[key] = (value as AnyFn).bind(target);
    }
  }
  return out;
}

const isMissing = (error: unknown) => (error as { code?: unknown } | null)?.code === 'ENOENT';

/** `fs` (a lightning-fs) with the packs of `fsName` stored in OPFS readable at their paths. */
export function packedFs(fs: FS, fsName: string): FS {
  const packs = new StoredPacks(fsName);
  const inner = fs.promises;
  const promises = boundMethods(inner) as unknown as FS.PromisifiedFS & Record<string, AnyFn>;
  const stored = async (path: unknown): Promise<File | null> => {
    const name = typeof path === 'string' ? packNameOf(path) : null;
    return name ? packs.file(name) : null;
  };
  promises.readFile = (async (path: string, opts?: unknown) => {
    try {
      return await inner.readFile(path, opts as undefined);
    } catch (error) {
      const file = isMissing(error) ? await stored(path) : null;
      if (!file) throw error;
      return new Uint8Array(await file.arrayBuffer());
    }
  }) as FS.PromisifiedFS['readFile'];
  const statOf = (kind: 'stat' | 'lstat') =>
    (async (path: string, opts?: unknown) => {
      try {
        return await inner[kind](path, opts as undefined);
      } catch (error) {
        const file = isMissing(error) ? await stored(path) : null;
        if (!file) throw error;
        return fileStat(file);
      }
    }) as FS.PromisifiedFS['stat'];
  promises.stat = statOf('stat');
  promises.lstat = statOf('lstat');
  promises.readdir = (async (path: string, opts?: unknown) => {
    const names = await inner.readdir(path, opts as undefined);
    if (!path.replace(/\/+$/, '').endsWith('/.git/objects/pack')) return names;
    const extra = (await packs.list()).filter((n) => !names.includes(n));
    return [...names, ...extra];
  }) as FS.PromisifiedFS['readdir'];
  promises.unlink = (async (path: string, opts?: unknown) => {
    try {
      return await inner.unlink(path, opts as undefined);
    } catch (error) {
      const name = isMissing(error) ? packNameOf(path) : null;
      if (!name || !(await packs.file(name))) throw error;
      await packs.remove(name);
    }
  }) as FS.PromisifiedFS['unlink'];
  // `promises` must be an own, enumerable property: that is how isomorphic-git picks the promise API.
  const outer = { ...boundMethods(fs), promises, [STORED_PACKS]: packs, [UNPACKED]: fs };
  return outer as unknown as FS;
}

/**
 * The lightning-fs under a file system made by packedFs (where `.idx` files and everything but
 * the packs live), or null for any other. Core's reader lists the pack folder there: it wants the
 * indexes only, and listing the OPFS folder as well costs a millisecond of a first view.
 */
export function unpackedFsOf(fs: unknown): FS | null {
  return ((fs as Record<symbol, unknown> | null)?.[UNPACKED] as FS | undefined) ?? null;
}

/** The OPFS packs behind a file system made by packedFs, or null for any other. */
export function storedPacksOf(fs: unknown): StoredPacks | null {
  return ((fs as Record<symbol, unknown> | null)?.[STORED_PACKS] as StoredPacks | undefined) ?? null;
}

function fileStat(file: File): FS.Stats {
  const ms = file.lastModified;
  return {
    type: 'file',
    mode: 0o100644,
    size: file.size,
    ino: 0,
    mtimeMs: ms,
    ctimeMs: ms,
    uid: 1,
    gid: 1,
    dev: 1,
    isFile: () => true,
    isDirectory: () => false,
    isSymbolicLink: () => false,
  } as FS.Stats;
}
