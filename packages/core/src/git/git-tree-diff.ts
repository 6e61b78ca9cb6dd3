/**
 * Which files differ between two trees, as `git diff-tree -r` (no rename detection). Subtrees
 * with equal ids are skipped without being read, so a commit that touches one file of 2,000
 * reads only the trees on that file's path.
 */
import type { GitTreeEntry } from './git-reader.ts';

export interface FileChange {
  /** Path from the repository root, POSIX separators. */
  path: string;
  kind: 'added' | 'modified' | 'deleted';
  /** Blob id before (null when added) and after (null when deleted). */
  before: string | null;
  after: string | null;
}

/** Reads a tree's entries by id (a cache in front of it pays off: log walks read each tree twice). */
export type ReadTree = (oid: string) => Promise<readonly GitTreeEntry[]>;

/**
 * The files that differ between tree `a` (null = empty) and tree `b` (null = empty), sorted by
 * path. A file replaced by a folder (or back) counts as deleted plus added; a gitlink (submodule)
 * counts as a file.
 */
export async function diffTrees(
  readTree: ReadTree,
  a: string | null,
  b: string | null,
  prefix = '',
): Promise<FileChange[]> {
  const changes: FileChange[] = [];
  await collect(readTree, a, b, prefix, changes);
  return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

async function collect(
  readTree: ReadTree,
  a: string | null,
  b: string | null,
  prefix: string,
  out: FileChange[],
): Promise<void> {
  if (a === b) return;
  const [left, right] = await Promise.all([a ? readTree(a) : [], b ? readTree(b) : []]);
  const before = new Map<string, GitTreeEntry>();
  for (const e of left) before.set(e.name, e);
  const below: Promise<void>[] = [];
  const visit = (name: string, l: GitTreeEntry | undefined, r: GitTreeEntry | undefined) => {
    const path = prefix ? `${prefix}/${name}` : name;
    const lTree = l?.type === 'tree' ? l.oid : null;
    const rTree = r?.type === 'tree' ? r.oid : null;
    if (lTree || rTree) below.push(collect(readTree, lTree, rTree, path, out));
    const lFile = l && l.type !== 'tree' ? l.oid : null;
    const rFile = r && r.type !== 'tree' ? r.oid : null;
    if (lFile && rFile) out.push({ path, kind: 'modified', before: lFile, after: rFile });
    else if (lFile) out.push({ path, kind: 'deleted', before: lFile, after: null });
    else if (rFile) out.push({ path, kind: 'added', before: null, after: rFile });
  };
  for (const r of right) {
    const l = before.get(r.name);
    if (l) {
      before.delete(r.name);
      if (l.type === r.type && l.oid === r.oid) continue;
    }
    visit(r.name, l, r);
  }
  for (const [name, l] of before) visit(name, l, undefined);
  await Promise.all(below);
}

/** The entry at `path` below tree `treeOid` (a file, folder or submodule), or null when there is none. */
export async function entryAtPath(
  readTree: ReadTree,
  treeOid: string,
  segments: readonly string[],
): Promise<Pick<GitTreeEntry, 'oid' | 'type' | 'mode'> | null> {
  let at: Pick<GitTreeEntry, 'oid' | 'type' | 'mode'> = { oid: treeOid, type: 'tree', mode: '040000' };
  for (const name of segments) {
    if (at.type !== 'tree') return null;
    const next = (await readTree(at.oid)).find((e) => e.name === name);
    if (!next) return null;
    at = next;
  }
  return at;
}
