/**
 * A branch's history, a page at a time, with each commit's changed-files count. The walk is
 * core's (newest first by committer date, like `git log`); only the trees of the page's commits
 * and their first parents are read for the counts.
 */
import type { GitCommitInfo, GitPerson } from '@cairn/core/git';
import type { ReadContext } from './read-context.ts';
import { resolveRevision } from './read-refs.ts';

export interface Person {
  name: string;
  email: string;
  timestamp: number;
  /** Minutes with JavaScript's sign (UTC+2 is -120), as isomorphic-git gives it. */
  timezoneOffset: number;
}

export interface LogEntry {
  oid: string;
  parents: string[];
  message: string;
  /** First line of the message. */
  summary: string;
  author: Person;
  committer: Person;
}

export interface LogPage {
  head: string;
  commits: Array<LogEntry & { changedFiles: number }>;
  /** True when older commits exist after this page. */
  more: boolean;
}

const personOf = (p: GitPerson): Person => ({
  name: p.name,
  email: p.email,
  timestamp: p.timestamp,
  timezoneOffset: p.timezoneOffset ?? 0,
});

/** A parsed commit as the history views show it. */
export function logEntryOf(c: GitCommitInfo): LogEntry {
  return {
    oid: c.oid,
    parents: c.parents,
    message: c.message,
    summary: c.message.split('\n', 1)[0] ?? '',
    author: personOf(c.author),
    committer: personOf(c.committer),
  };
}

/**
 * Commits `skip`…`skip+limit` of `rev`'s history, each with its changed-files count.
 * @example await readLog(ctx, 'main', { limit: 50 })
 */
export async function readLog(
  ctx: ReadContext,
  rev: string,
  opts: { skip?: number; limit?: number; path?: string } = {},
): Promise<LogPage> {
  const skip = opts.skip ?? 0;
  const limit = opts.limit ?? 50;
  const { oid: head } = await resolveRevision(ctx, rev);
  const all = await ctx.repo.log([head], { limit: skip + limit + 1, ...(opts.path ? { path: opts.path } : {}) });
  const page = all.slice(skip, skip + limit);
  const commits = await Promise.all(
    page.map(async (c) => ({ ...logEntryOf(c), changedFiles: await ctx.repo.countChanges(c) })),
  );
  return { head, commits, more: all.length > skip + limit };
}
