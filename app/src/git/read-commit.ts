/**
 * One commit with the files it changed, for the commit page.
 */
import { commitChanges, type FileChange } from './read-changes.ts';
import type { ReadContext } from './read-context.ts';
import { type LogEntry, logEntryOf } from './read-log.ts';
import { resolveRevision } from './read-refs.ts';

export interface CommitDetail extends LogEntry {
  changes: FileChange[];
}

/** The commit `rev` names (a full or abbreviated id, or a ref) with its changed files. */
export async function readCommitDetail(ctx: ReadContext, rev: string): Promise<CommitDetail> {
  const { oid } = await resolveRevision(ctx, rev);
  const commit = await ctx.repo.readCommit(oid);
  return { ...logEntryOf(commit), changes: await commitChanges(ctx, oid, commit.parents[0]) };
}
