/**
 * A branch's history, a page at a time, with each commit's changed-files count. The commit walk
 * is isomorphic-git's `log` (newest first by committer date, like `git log`); only the trees of
 * the page's commits and their first parents are read for the counts.
 */
import git from 'isomorphic-git';
import { commitChanges } from './read-changes.ts';
import type { ReadContext } from './read-context.ts';
import { resolveRevision } from './read-refs.ts';

export interface LogEntry {
  oid: string;
  parents: string[];
  message: string;
  /** First line of the message. */
  summary: string;
  author: { name: string; email: string; timestamp: number; timezoneOffset: number };
  committer: { name: string; email: string; timestamp: number; timezoneOffset: number };
}

export interface LogPage {
  head: string;
  commits: Array<LogEntry & { changedFiles: number }>;
  /** True when older commits exist after this page. */
  more: boolean;
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
  const all = await walkCommits(ctx, head, skip + limit + 1, opts.path);
  const page = all.slice(skip, skip + limit);
  const commits = [];
  for (const c of page) {
    const changes = await commitChanges(ctx, c.oid, c.parents[0]);
    commits.push({ ...c, changedFiles: changes.length });
  }
  return { head, commits, more: all.length > skip + limit };
}

/**
 * The first `depth` commits reachable from `head` (all of them when depth is Infinity); with
 * `path`, only those that changed that file or folder (as `git log -- PATH`).
 */
export async function walkCommits(
  ctx: ReadContext,
  head: string,
  depth = Number.POSITIVE_INFINITY,
  path?: string,
): Promise<LogEntry[]> {
  const log = await git.log({
    fs: ctx.fs,
    dir: ctx.dir,
    ref: head,
    cache: ctx.cache,
    ...(Number.isFinite(depth) ? { depth } : {}),
    ...(path ? { filepath: path } : {}),
  });
  return log.map(({ oid, commit }) => ({
    oid,
    parents: commit.parent,
    message: commit.message,
    summary: commit.message.split('\n', 1)[0] ?? '',
    author: commit.author,
    committer: commit.committer,
  }));
}
