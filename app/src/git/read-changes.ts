/**
 * Which files changed between two trees (core's diffTrees, on the raw tree objects).
 * Subtrees with equal oids are skipped without being read, so a commit that touches one file in
 * a 2,000-file repository reads a handful of trees.
 */
import type { FileChange } from '@cairn/core/git';
import type { ReadContext } from './read-context.ts';
import { commitTreeOid } from './read-tree.ts';

export type { FileChange };

/**
 * The files that differ between tree `a` (null = empty) and tree `b` (null = empty), sorted by
 * path. A file replaced by a folder (or back) counts as deleted plus added.
 */
export function diffTrees(ctx: ReadContext, a: string | null, b: string | null): Promise<FileChange[]> {
  return ctx.repo.diffTrees(a, b);
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
