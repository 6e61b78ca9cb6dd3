/**
 * Building what `dvc repro` and `dvc add` write after hashing: a `dvc.lock` stage and a `.dvc`
 * file, in DVC 3's form (`hash: md5` entries, deps and outs sorted by path, params files sorted
 * and their keys sorted, as dvc/stage/serialize.py does).
 */
import { getParam } from '../params/params-file.ts';
import type { DvcFile } from './dvc-file.ts';
import type { LockStage } from './dvc-lock.ts';
import type { Stage } from './expand-stages.ts';
import { type HashedEntry, lockEntry, type NewEntryInput } from './hashed-entry.ts';

/** What hashing a path found: the hash (`.dir` for directories), raw size, file count for dirs. */
export interface PathHash {
  md5: string;
  size: number;
  nfiles?: number;
  /** Defaults to 'md5' (DVC 3). */
  hashKind?: NewEntryInput['hashKind'];
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface LockStageInput {
  /** Hash of each dep and out, keyed by the path as written in dvc.yaml (relative to wdir). */
  hashes: Record<string, PathHash>;
  /** Parsed params files, keyed by the file name as written (relative to wdir). */
  params: Record<string, unknown>;
}

/**
 * The lock entry of a stage that just ran. Paths missing from `hashes` are left out (DVC
 * fails the run before locking when an output is missing; the caller checks that).
 * @example buildLockStage(stage, { hashes: { 'model.pkl': { md5: 'd1f6…', size: 1958115 } }, params: { 'params.yaml': p } })
 */
export function buildLockStage(stage: Stage, input: LockStageInput): LockStage {
  const entry = (path: string): HashedEntry | null => {
    const h = input.hashes[path];
    if (!h) return null;
    return lockEntry({
      path,
      md5: h.md5,
      size: h.size,
      ...(h.nfiles !== undefined ? { nfiles: h.nfiles } : {}),
      ...(h.hashKind ? { hashKind: h.hashKind } : {}),
    });
  };
  const sorted = (paths: string[]) => [...new Set(paths)].sort(byCodePoint);
  const deps = sorted(stage.deps)
    .map(entry)
    .filter((e): e is HashedEntry => e !== null);
  const outs = sorted(stage.outs.map((o) => o.path))
    .map(entry)
    .filter((e): e is HashedEntry => e !== null);
  const params: Record<string, Record<string, unknown>> = {};
  for (const { file, keys } of [...stage.params].sort((a, b) => byCodePoint(a.file, b.file))) {
    const content = input.params[file];
    const values: Record<string, unknown> = {};
    const names = keys ?? (isRecord(content) ? Object.keys(content) : []);
    for (const key of [...names].sort(byCodePoint)) {
      const v = keys === null ? (content as Record<string, unknown>)[key] : getParam(content, key);
      if (v !== undefined) values[key] = v;
    }
    params[file] = values;
  }
  return { cmd: stage.cmd, deps, params, outs, extra: {} };
}

/**
 * A `.dvc` file as `dvc add` (DVC 3) writes it: `outs: [{md5, size, nfiles, hash: md5, path}]`,
 * `path` relative to the `.dvc` file's folder.
 */
export function buildDvcFile(outs: (PathHash & { path: string })[]): DvcFile {
  return {
    outs: outs.map((o) =>
      lockEntry({
        path: o.path,
        md5: o.md5,
        size: o.size,
        ...(o.nfiles !== undefined ? { nfiles: o.nfiles } : {}),
        ...(o.hashKind ? { hashKind: o.hashKind } : {}),
      }),
    ),
    deps: [],
    extra: {},
  };
}
