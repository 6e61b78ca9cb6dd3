/**
 * The outs of a `.dvc` pointer file as the file browser and sync need them: where each out lies
 * and which data-cache object holds it. Parsing, hash kinds and path safety are core's
 * (`parseDvcFile`: an out whose path is absolute or leaves the repository is refused with
 * `unsafe_path`); this module only reshapes its entries. DVC 3 outs carry `hash: md5`; without
 * it the value is a legacy md5-dos2unix hash in the DVC 2 layout. Outs kept in git
 * (`cache: false`), external outputs (etag/checksum, no md5) and unknown hash kinds are not data
 * the browser can fetch and are left out.
 */

import { parseDvcFile } from '@cairn/core/dvc/dvc-file';
import type { HashedEntry } from '@cairn/core/dvc/hashed-entry';
import { schemaError } from '@cairn/core/dvc/schema-error';
import type { HashAlgorithm } from '@cairn/core/hash/file-hash';
import { loadYaml } from '@cairn/core/yaml/load-yaml';
import { type ObjectId, OID_PATTERN, objectId } from '../storage/blob-store.ts';

export interface DvcOut {
  /** As written (trailing `/` dropped): relative to the `.dvc` file's folder, POSIX separators. */
  path: string;
  /** The DVC object id: md5 hex for a file, md5 hex + `.dir` for a folder. */
  oid: string;
  /** The hash the oid was computed with: 'md5' (DVC 3) or 'md5-dos2unix' (legacy DVC 2). */
  algorithm: HashAlgorithm;
  /** The object's data-cache id (algorithm + oid). */
  object: ObjectId;
  isDir: boolean;
  /** True for DVC 2 (md5-dos2unix) hashes: the object lives in the DVC 2 remote layout. */
  legacy: boolean;
  size: number | null;
  nfiles: number | null;
}

/** A cached, md5-hashed out as a DvcOut; null for outs the browser has no data object for. */
export function toOut(entry: HashedEntry): DvcOut | null | 'bad-md5' {
  if (entry.extra.cache === false || entry.md5 === undefined) return null;
  if (entry.hashKind !== 'md5' && entry.hashKind !== 'md5-dos2unix') return null;
  const algorithm: HashAlgorithm = entry.hashKind === 'md5' ? 'md5' : 'md5-dos2unix';
  const oid = entry.md5.toLowerCase();
  if (!OID_PATTERN.test(oid)) return 'bad-md5';
  return {
    path: entry.path.replace(/\/+$/, ''),
    oid,
    algorithm,
    object: objectId(algorithm, oid),
    isDir: oid.endsWith('.dir'),
    legacy: algorithm === 'md5-dos2unix',
    size: entry.size ?? null,
    nfiles: entry.nfiles ?? null,
  };
}

/**
 * The data outs of a `.dvc` file.
 * @throws ParseError (core's: `yaml_syntax`, `schema`, `unsafe_path`…, with file/line/column)
 * @example parseDvcPointer('outs:\n- md5: 22a1…\n  size: 14445097\n  hash: md5\n  path: data.xml\n', 'data/data.xml.dvc')
 */
export function parseDvcPointer(text: string, file: string): DvcOut[] {
  const parsed = parseDvcFile(text, file);
  if (!parsed.ok) throw parsed.error;
  const outs: DvcOut[] = [];
  for (const [i, entry] of parsed.value.outs.entries()) {
    const out = toOut(entry);
    if (out === 'bad-md5') {
      // Core keeps hash values opaque; a data object id must be an MD5. Re-read for the position
      // (error path only).
      const loaded = loadYaml(text, { file });
      throw schemaError(loaded.ok ? loaded.value : undefined, ['outs', i, 'md5'], 'expected an MD5 hash.', file);
    }
    if (out) outs.push(out);
  }
  return outs;
}
