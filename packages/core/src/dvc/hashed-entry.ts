/**
 * One hashed path as `.dvc` files and `dvc.lock` record it (`path`, `md5`, `size`, `nfiles`,
 * `hash`), with the per-entry hash kind DVC derives from it: `hash: md5` means DVC 3's plain
 * md5 and cache layout; no `hash` key means the legacy `md5-dos2unix` and the DVC 2 layout.
 */
import { ParseError } from '../errors/parse-error.ts';
import type { LoadedYaml } from '../yaml/load-yaml.ts';
import { checkRepoPath } from './repo-path.ts';
import { isRecord, type KeyPath, kindOf, schemaError } from './schema-error.ts';

/** 'md5' (DVC 3), 'md5-dos2unix' (legacy, no `hash` key), or another name kept as written. */
export type HashKind = 'md5' | 'md5-dos2unix' | (string & {});

export interface HashedEntry {
  path: string;
  hashKind: HashKind;
  /** The hash value, stored under `md5` whatever the kind (`.dir` suffix for directories). */
  md5?: string;
  /** Checksums of external outputs, kept opaque. */
  etag?: string;
  checksum?: string;
  /** Raw on-disk byte count (sum over files for a directory). */
  size?: number;
  /** Number of files, directories only. */
  nfiles?: number;
  isexec?: boolean;
  /** Every other key, as written (flags such as `cache`, `persist`, `desc`; import `repo`). */
  extra: Record<string, unknown>;
}

const TYPED_KEYS = new Set(['path', 'hash', 'md5', 'etag', 'checksum', 'size', 'nfiles', 'isexec']);

/** The hash kind an entry declares: `hash: md5` ⇒ 'md5'; no `hash` key ⇒ legacy 'md5-dos2unix'. */
export function hashKindOf(raw: { hash?: unknown }): HashKind {
  return typeof raw.hash === 'string' ? raw.hash : 'md5-dos2unix';
}

/** How `readHashedEntry` checks the entry's path (omit to skip the check). */
export interface EntryPathCheck {
  /** Repository-relative directory the path is relative to ('.' for the root). */
  baseDir: string;
  /** Outputs may not be the repository itself or lie in `.git`/`.dvc`. */
  output: boolean;
  /** URLs (`s3://…`, `remote://…`) are external data and pass unchecked. */
  allowExternal: boolean;
}

/** Reads one entry map; `where` is its key path, for error positions. */
export function readHashedEntry(
  raw: unknown,
  loaded: LoadedYaml | undefined,
  where: KeyPath,
  pathCheck?: EntryPathCheck,
): HashedEntry | ParseError {
  if (!isRecord(raw)) return schemaError(loaded, where, `expected a mapping with a path, found ${kindOf(raw)}.`);
  if (typeof raw.path !== 'string' || raw.path === '') {
    return schemaError(loaded, [...where, 'path'], 'every entry needs a non-empty string `path`.');
  }
  if (pathCheck !== undefined) {
    const unsafe = checkRepoPath(pathCheck.baseDir, raw.path, pathCheck);
    if (unsafe !== undefined) return unsafePathError(loaded, [...where, 'path'], unsafe.message);
  }
  const entry: HashedEntry = { path: raw.path, hashKind: hashKindOf(raw), extra: {} };
  if (raw.hash !== undefined && typeof raw.hash !== 'string') {
    return schemaError(loaded, [...where, 'hash'], `expected the hash name (such as md5), found ${kindOf(raw.hash)}.`);
  }
  for (const key of ['md5', 'etag', 'checksum'] as const) {
    const v = raw[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string')
      return schemaError(loaded, [...where, key], `expected a hash string, found ${kindOf(v)}.`);
    entry[key] = v;
  }
  for (const key of ['size', 'nfiles'] as const) {
    const v = raw[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      return schemaError(loaded, [...where, key], `expected a whole number of ${key === 'size' ? 'bytes' : 'files'}.`);
    }
    entry[key] = v;
  }
  if (raw.isexec !== undefined) {
    if (typeof raw.isexec !== 'boolean') return schemaError(loaded, [...where, 'isexec'], 'expected true or false.');
    entry.isexec = raw.isexec;
  }
  for (const [k, v] of Object.entries(raw)) if (!TYPED_KEYS.has(k)) entry.extra[k] = v;
  return entry;
}

/** Writes the hash part (`md5`, `etag`, `checksum`, `size`, `nfiles`, `isexec`) in DVC's order. */
function hashFields(entry: HashedEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (entry.md5 !== undefined) out.md5 = entry.md5;
  if (entry.etag !== undefined) out.etag = entry.etag;
  if (entry.checksum !== undefined) out.checksum = entry.checksum;
  if (entry.size !== undefined) out.size = entry.size;
  if (entry.nfiles !== undefined) out.nfiles = entry.nfiles;
  if (entry.isexec !== undefined) out.isexec = entry.isexec;
  return out;
}

/** `.dvc` order: md5, size, nfiles, hash, path, then the rest (as `dvc add` writes). */
export function hashedEntryToDvcFileData(entry: HashedEntry): Record<string, unknown> {
  const out = hashFields(entry);
  if (entry.hashKind !== 'md5-dos2unix') out.hash = entry.hashKind;
  out.path = entry.path;
  return { ...out, ...entry.extra };
}

/** `dvc.lock` order: path, hash, md5, size, nfiles, then the rest (as DVC 3 writes). */
export function hashedEntryToLockData(entry: HashedEntry): Record<string, unknown> {
  const out: Record<string, unknown> = { path: entry.path };
  if (entry.hashKind !== 'md5-dos2unix') out.hash = entry.hashKind;
  return { ...out, ...hashFields(entry), ...entry.extra };
}

export interface NewEntryInput {
  path: string;
  md5: string;
  size: number;
  /** Directories only (the hash then ends in `.dir`). */
  nfiles?: number;
  /** Defaults to 'md5': what DVC 3 writes for anything it hashes anew. */
  hashKind?: HashKind;
}

/**
 * An entry as DVC 3 writes it for a freshly hashed file or directory.
 * @example lockEntry({ path: 'model.pkl', md5: 'd1f6…', size: 1958115 })
 */
export function lockEntry(input: NewEntryInput): HashedEntry {
  const entry: HashedEntry = {
    path: input.path,
    hashKind: input.hashKind ?? 'md5',
    md5: input.md5,
    size: input.size,
    extra: {},
  };
  if (input.nfiles !== undefined) entry.nfiles = input.nfiles;
  return entry;
}

/** An `unsafe_path` error pointing at the offending value (same position rules as schema errors). */
export function unsafePathError(loaded: LoadedYaml | undefined, path: KeyPath, message: string): ParseError {
  const s = schemaError(loaded, path, message);
  return new ParseError({ ...s.toJSON(), code: 'unsafe_path' });
}
