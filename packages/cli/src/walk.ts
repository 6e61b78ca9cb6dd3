/**
 * Lists the files of a workspace directory as DVC sees them: recursively, `.dvcignore` files
 * honoured at every level (plus those of the folders above), `.git`/`.dvc` skipped, empty
 * folders absent. Symlinks to files are followed, as DVC hashes what they point to.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DvcIgnore } from '@cairn/core';
import type { FileStamp } from './hash-state.ts';
import type { Repo } from './repo.ts';

export interface WalkedFile {
  /** Path inside the walked directory, POSIX. */
  relpath: string;
  abs: string;
  /** -1 when the walk was asked for names only. */
  size: number;
  /**
   * The file's inode, size and mtime (of the target, for a symlink), or null when the walk was
   * asked for names only. Only these numbers are kept: holding 10,000 fs.Stats (each with four
   * Dates) until the walk ends made every young-generation GC of a status copy them.
   */
  stamp: FileStamp | null;
}

/**
 * Folder listings already read by this command, by absolute path: `cairn status` walks the
 * workspace for pipeline files and then tracked folders for their files, and reading each folder
 * once halves the readdir work over a large tracked folder. Only for one command's span.
 */
export type Listings = Map<string, fs.Dirent[]>;

/** A `DvcIgnore` loaded with every `.dvcignore` from the repo root down to `dirPosix` (inclusive). */
export function ignoreFor(repo: Repo, dirPosix: string): DvcIgnore {
  const ig = new DvcIgnore();
  const parts = dirPosix === '.' ? [] : dirPosix.split('/');
  for (let i = 0; i <= parts.length; i++) {
    const d = parts.slice(0, i).join('/');
    const file = path.join(repo.root, ...parts.slice(0, i), '.dvcignore');
    if (fs.existsSync(file)) ig.addFile(d, fs.readFileSync(file, 'utf8'));
  }
  return ig;
}

/** Files under `dirPosix` (repo-relative), sorted by nothing in particular. */
export function walkFiles(
  repo: Repo,
  dirPosix: string,
  opts: { ig?: DvcIgnore; names?: boolean; listings?: Listings } = {},
): WalkedFile[] {
  const ig = opts.ig ?? ignoreFor(repo, dirPosix);
  // Finding `.dvc` files and dvc.yaml needs names only: a stat per file is most of a walk's time.
  const wantStats = !opts.names;
  const out: WalkedFile[] = [];
  const base = dirPosix === '.' ? '' : `${dirPosix}/`;
  const visit = (abs: string, rel: string) => {
    const prefix = abs.endsWith(path.sep) ? abs : abs + path.sep;
    let listing = opts.listings?.get(abs);
    if (!listing) {
      listing = fs.readdirSync(abs, { withFileTypes: true });
      opts.listings?.set(abs, listing);
    }
    for (const ent of listing) {
      const childRel = rel === '' ? ent.name : `${rel}/${ent.name}`;
      // `abs` is already normal and `ent.name` a single name: plain concatenation is what
      // path.join would return, without its normalising pass (10,000 calls in a status).
      const childAbs = prefix + ent.name;
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      let stats: fs.Stats | null = null;
      if (ent.isSymbolicLink()) {
        const st = fs.statSync(childAbs, { throwIfNoEntry: false });
        if (!st) continue;
        isDir = st.isDirectory();
        isFile = st.isFile();
        stats = st;
      }
      if (ig.ignores(base + childRel, isDir)) continue;
      if (isDir) {
        const nested = path.join(childAbs, '.dvcignore');
        if (fs.existsSync(nested)) ig.addFile(base + childRel, fs.readFileSync(nested, 'utf8'));
        visit(childAbs, childRel);
      } else if (isFile) {
        if (wantStats) stats ??= fs.statSync(childAbs);
        const stamp = stats && wantStats ? { ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs } : null;
        out.push({ relpath: childRel, abs: childAbs, size: stamp ? stamp.size : -1, stamp });
      }
    }
  };
  visit(path.join(repo.root, ...(dirPosix === '.' ? [] : dirPosix.split('/'))), '');
  return out;
}
