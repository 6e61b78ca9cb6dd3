/**
 * What the repository tracks with DVC: every out of every `.dvc` file (paths resolved against
 * the file's folder) and, through `pipeline-state.ts`, every cached out in `dvc.lock`. Each
 * keeps the hash algorithm its entry declares, so legacy and DVC 3 entries live side by side.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type DvcFile, type HashAlgorithm, hashAlgorithmOf, joinPath, parseDvcFile } from '@cairn/core';
import { CliError } from './cli-error.ts';
import { absPath, type Repo } from './repo.ts';
import { walkFiles } from './walk.ts';

export interface TrackedOut {
  /** Repo-relative POSIX path of the data. */
  path: string;
  /** The recorded hash (`.dir` suffix for directories); undefined when never hashed. */
  oid?: string;
  algorithm: HashAlgorithm;
  size?: number;
  nfiles?: number;
  /** Where it is recorded: `data.dvc`, or `dvc.lock:train`. */
  source: string;
  /** False for `push: false` outs. */
  push: boolean;
}

/** Every `.dvc` file in the repository (not under .git/.dvc or ignored paths). */
export function findDvcFiles(repo: Repo): string[] {
  return walkFiles(repo, '.', { names: true })
    .map((f) => f.relpath)
    .filter((p) => p.endsWith('.dvc'))
    .sort();
}

export function readDvcFile(repo: Repo, posix: string): DvcFile {
  const parsed = parseDvcFile(fs.readFileSync(absPath(repo, posix), 'utf8'), posix);
  if (!parsed.ok) throw new CliError('bad_file', parsed.error.describe());
  return parsed.value;
}

/** The outs of one `.dvc` file, resolved to repo paths. */
export function outsOfDvcFile(repo: Repo, posix: string, file = readDvcFile(repo, posix)): TrackedOut[] {
  const dir = path.posix.dirname(posix);
  const out: TrackedOut[] = [];
  for (const o of file.outs) {
    if (o.extra.cache === false) continue;
    const algorithm = hashAlgorithmOf({ hash: o.hashKind === 'md5-dos2unix' ? undefined : o.hashKind });
    if (!algorithm) continue; // etag/checksum outs of external storage: not ours to move
    const t: TrackedOut = { path: joinPath(dir, o.path), algorithm, source: posix, push: o.extra.push !== false };
    if (o.md5 !== undefined) t.oid = o.md5;
    if (o.size !== undefined) t.size = o.size;
    if (o.nfiles !== undefined) t.nfiles = o.nfiles;
    out.push(t);
  }
  return out;
}
