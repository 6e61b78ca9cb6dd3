/**
 * Lists the files of a workspace directory as DVC sees them: recursively, `.dvcignore` files
 * honoured at every level (plus those of the folders above), `.git`/`.dvc` skipped, empty
 * folders absent. Symlinks to files are followed, as DVC hashes what they point to.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DvcIgnore } from '@cairn/core';
import type { Repo } from './repo.ts';

export interface WalkedFile {
  /** Path inside the walked directory, POSIX. */
  relpath: string;
  abs: string;
  size: number;
}

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
export function walkFiles(repo: Repo, dirPosix: string, ig = ignoreFor(repo, dirPosix)): WalkedFile[] {
  const out: WalkedFile[] = [];
  const base = dirPosix === '.' ? '' : `${dirPosix}/`;
  const visit = (abs: string, rel: string) => {
    for (const ent of fs.readdirSync(abs, { withFileTypes: true })) {
      const childRel = rel === '' ? ent.name : `${rel}/${ent.name}`;
      const childAbs = path.join(abs, ent.name);
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      let size = -1;
      if (ent.isSymbolicLink()) {
        const st = fs.statSync(childAbs, { throwIfNoEntry: false });
        if (!st) continue;
        isDir = st.isDirectory();
        isFile = st.isFile();
        size = st.size;
      }
      if (ig.ignores(base + childRel, isDir)) continue;
      if (isDir) {
        const nested = path.join(childAbs, '.dvcignore');
        if (fs.existsSync(nested)) ig.addFile(base + childRel, fs.readFileSync(nested, 'utf8'));
        visit(childAbs, childRel);
      } else if (isFile) {
        out.push({ relpath: childRel, abs: childAbs, size: size >= 0 ? size : fs.statSync(childAbs).size });
      }
    }
  };
  visit(path.join(repo.root, ...(dirPosix === '.' ? [] : dirPosix.split('/'))), '');
  return out;
}
