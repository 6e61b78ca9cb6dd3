/**
 * Which files changed between two trees. Subtrees with equal oids are skipped without being
 * read, so a commit that touches one file in a 2,000-file repository reads a handful of trees.
 */

import git from 'isomorphic-git';
import type { ReadContext } from './read-context.ts';
import { commitTreeOid, readTreeEntries } from './read-tree.ts';

export interface FileChange {
  path: string;
  kind: 'added' | 'modified' | 'deleted';
  /** Blob oid before (null when added) and after (null when deleted). */
  before: string | null;
  after: string | null;
}

type Entry = Awaited<ReturnType<typeof readTreeEntries>>[number];

/**
 * The files that differ between tree `a` (null = empty) and tree `b` (null = empty), sorted by
 * path. A file replaced by a folder (or back) counts as deleted plus added.
 */
export async function diffTrees(
  ctx: ReadContext,
  a: string | null,
  b: string | null,
  prefix = '',
): Promise<FileChange[]> {
  if (a === b) return [];
  const [left, right] = await Promise.all([a ? readTreeEntries(ctx, a) : [], b ? readTreeEntries(ctx, b) : []]);
  const byName = new Map<string, [Entry | undefined, Entry | undefined]>();
  for (const e of left) byName.set(e.name, [e, undefined]);
  for (const e of right) byName.set(e.name, [byName.get(e.name)?.[0], e]);
  const changes: FileChange[] = [];
  for (const [name, [l, r]] of byName) {
    if (l && r && l.oid === r.oid && l.type === r.type) continue;
    const path = prefix ? `${prefix}/${name}` : name;
    const lTree = l?.type === 'tree' ? l.oid : null;
    const rTree = r?.type === 'tree' ? r.oid : null;
    if (lTree || rTree) changes.push(...(await diffTrees(ctx, lTree, rTree, path)));
    const lFile = l && l.type !== 'tree' ? l.oid : null;
    const rFile = r && r.type !== 'tree' ? r.oid : null;
    if (lFile && rFile) changes.push({ path, kind: 'modified', before: lFile, after: rFile });
    else if (lFile) changes.push({ path, kind: 'deleted', before: lFile, after: null });
    else if (rFile) changes.push({ path, kind: 'added', before: null, after: rFile });
  }
  return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

/** The files a commit changed against its first parent (every file, for a root commit). */
export async function commitChanges(
  ctx: ReadContext,
  commitOid: string,
  firstParent: string | undefined,
): Promise<FileChange[]> {
  const [tree, parentTree] = await Promise.all([
    commitTreeOid(ctx, commitOid),
    firstParent ? commitTreeOid(ctx, firstParent) : Promise.resolve(null),
  ]);
  return diffTrees(ctx, parentTree, tree);
}

/** Reads one commit object (re-exported so history code needs one import). */
export async function readCommitObject(ctx: ReadContext, oid: string) {
  return git.readCommit({ fs: ctx.fs, dir: ctx.dir, oid, cache: ctx.cache });
}
