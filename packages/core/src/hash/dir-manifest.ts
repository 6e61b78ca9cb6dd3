/**
 * `.dir` manifests: how DVC hashes a directory (dvc-data hashfile/tree.py `as_list`,
 * `as_bytes`, `digest`). The manifest is a JSON array of `{"md5": …, "relpath": …}` — one per
 * file, empty folders absent — sorted by relpath in code-point order and serialised as
 * Python's `json.dumps(sort_keys=True)`; the directory hash is the MD5 of those bytes plus
 * the literal suffix `.dir`. Manifests read from a cache may carry more keys (size, isexec):
 * they are read, never hashed.
 */
import { MD5_HEX } from '../cache/object-path.ts';
import { fail, ok, type Result } from '../errors/result.ts';
import type { Md5Factory } from './md5.ts';
import { compareCodePoints, pythonJsonDumps } from './python-json.ts';

export interface DirEntry {
  /** POSIX path inside the directory: no leading `/`, no `.`/`..` or empty segments. */
  relpath: string;
  /** The file's hash (same algorithm as the directory's). */
  md5: string;
  size?: number;
  isexec?: boolean;
}

export interface DirHash {
  /** `<md5 of the manifest>.dir`. */
  oid: string;
  /** The manifest bytes that hash to `oid` (what the cache stores under `oid`). */
  bytes: Uint8Array;
  /** The entries in manifest order. */
  entries: DirEntry[];
  nfiles: number;
  /** Sum of file sizes when every entry has one. */
  size?: number;
}

/** Why a relpath cannot be a file inside a tracked directory, or undefined if it can. */
export function relpathProblem(relpath: string): string | undefined {
  if (relpath === '') return 'is empty';
  if (relpath.startsWith('/')) return 'is absolute';
  if (relpath.includes('\0')) return 'contains a NUL character';
  for (const part of relpath.split('/')) {
    if (part === '') return 'has an empty segment';
    if (part === '.' || part === '..') return `has a "${part}" segment`;
  }
  return undefined;
}

/** Entries sorted as DVC sorts them (by relpath, code-point order). Does not modify the input. */
export function sortDirEntries(entries: readonly DirEntry[]): DirEntry[] {
  return [...entries].sort((a, b) => compareCodePoints(a.relpath, b.relpath));
}

/** The exact manifest text DVC hashes: sorted, meta-less, Python json.dumps form. */
export function serialiseDirManifest(entries: readonly DirEntry[]): string {
  return pythonJsonDumps(sortDirEntries(entries).map((e) => ({ md5: e.md5, relpath: e.relpath })));
}

/**
 * Hashes a directory from its files' entries.
 * @example (await dirHash([{ relpath: 'a.txt', md5: '…' }], md5)).oid  // '…….dir'
 */
export async function dirHash(entries: readonly DirEntry[], md5: Md5Factory): Promise<DirHash> {
  const sorted = sortDirEntries(entries);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]?.relpath === sorted[i - 1]?.relpath) throw new Error(`duplicate relpath ${sorted[i]?.relpath}`);
  }
  const bytes = asciiBytes(serialiseDirManifest(sorted));
  const h = await md5();
  h.update(bytes);
  const result: DirHash = { oid: `${h.hex()}.dir`, bytes, entries: sorted, nfiles: sorted.length };
  if (sorted.every((e) => e.size !== undefined)) result.size = sorted.reduce((s, e) => s + (e.size ?? 0), 0);
  return result;
}

/**
 * Reads a `.dir` manifest (from a cache or remote). Extra keys are ignored; `size` and `isexec`
 * are kept when well-formed. A relpath that could escape the directory is an error: names are
 * data, never trusted as paths.
 */
export function parseDirManifest(text: string, file?: string): Result<DirEntry[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail({ code: 'json_syntax', message: `not a JSON .dir manifest: ${(e as Error).message}`, file });
  }
  if (!Array.isArray(raw)) return fail({ code: 'schema', message: 'a .dir manifest must be a JSON list', file });
  const out: DirEntry[] = [];
  for (let i = 0; i < raw.length; i++) {
    const item: unknown = raw[i];
    const where = `${i}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return fail({ code: 'schema', message: `entry ${i} is not an object`, file, path: where });
    }
    const rec = item as Record<string, unknown>;
    if (typeof rec.relpath !== 'string') {
      return fail({ code: 'schema', message: `entry ${i} has no string relpath`, file, path: `${where}.relpath` });
    }
    const problem = relpathProblem(rec.relpath);
    if (problem) {
      return fail({ code: 'schema', message: `entry ${i}: relpath ${problem}`, file, path: `${where}.relpath` });
    }
    if (typeof rec.md5 !== 'string' || !MD5_HEX.test(rec.md5)) {
      return fail({
        code: 'schema',
        message: `entry ${i} (${rec.relpath}) has no md5 hash`,
        file,
        path: `${where}.md5`,
      });
    }
    const entry: DirEntry = { relpath: rec.relpath, md5: rec.md5 };
    if (typeof rec.size === 'number' && Number.isSafeInteger(rec.size) && rec.size >= 0) entry.size = rec.size;
    if (typeof rec.isexec === 'boolean') entry.isexec = rec.isexec;
    out.push(entry);
  }
  return ok(out);
}

/** The manifest text is pure ASCII (ensure_ascii), so each UTF-16 unit is one byte. */
function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
