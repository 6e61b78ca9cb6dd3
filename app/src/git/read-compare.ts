/**
 * Two revisions compared, for the compare page: which files differ and how many commits head
 * has that base lacks. Three dots compare head with the point where it left base (as GitHub
 * and `git diff A...B` do), two dots compare the two trees directly.
 */
import type { CompareRange } from '../files/urls.ts';
import { diffTrees, type FileChange } from './read-changes.ts';
import type { ReadContext } from './read-context.ts';
import { resolveRevision } from './read-refs.ts';
import { commitTreeOid } from './read-tree.ts';

export interface Comparison {
  base: string;
  head: string;
  /** The commit the files are compared against: the merge base for `...`, else base. Null when the histories share nothing. */
  from: string | null;
  changes: FileChange[];
}

export async function readComparison(ctx: ReadContext, range: CompareRange): Promise<Comparison> {
  const [base, head] = await Promise.all([resolveRevision(ctx, range.base), resolveRevision(ctx, range.head)]);
  let from: string | null = base.oid;
  if (range.mode === 'merge-base') from = (await ctx.repo.mergeBases(base.oid, head.oid))[0] ?? null;
  const [fromTree, headTree] = await Promise.all([
    from ? commitTreeOid(ctx, from) : Promise.resolve(null),
    commitTreeOid(ctx, head.oid),
  ]);
  return { base: base.oid, head: head.oid, from, changes: await diffTrees(ctx, fromTree, headTree) };
}
