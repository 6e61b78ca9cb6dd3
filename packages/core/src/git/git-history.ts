/**
 * Walking commits as `git log` does: newest committer date first (ties in the order commits
 * were reached), each commit once; with a path, only the commits that changed it, simplified
 * like git's default (a merge equal at the path to one parent is skipped and only that parent
 * followed). Also merge bases for `A...B`.
 */
import { GitObjectMissingError } from './git-objects.ts';
import type { GitCommitInfo, GitReader } from './git-reader.ts';
import { entryAtPath, type ReadTree } from './git-tree-diff.ts';

export type CommitReader = Pick<GitReader, 'readCommit'>;

/** A queue of commits by committer date, newest first; equal dates leave in arrival order. */
class DateQueue {
  private readonly items: { commit: GitCommitInfo; seq: number }[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(commit: GitCommitInfo): void {
    const item = { commit, seq: this.seq++ };
    const h = this.items;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(item, h[parent] as typeof item)) break;
      h[i] = h[parent] as typeof item;
      i = parent;
    }
    h[i] = item;
  }

  pop(): GitCommitInfo | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top?.commit;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = last;
      let at = -1;
      if (l < h.length && this.before(h[l] as typeof last, best)) {
        best = h[l] as typeof last;
        at = l;
      }
      if (r < h.length && this.before(h[r] as typeof last, best)) {
        best = h[r] as typeof last;
        at = r;
      }
      if (at < 0) break;
      h[i] = best;
      i = at;
    }
    h[i] = last;
    return top.commit;
  }

  private before(a: { commit: GitCommitInfo; seq: number }, b: { commit: GitCommitInfo; seq: number }): boolean {
    const d = a.commit.committer.timestamp - b.commit.committer.timestamp;
    return d !== 0 ? d > 0 : a.seq < b.seq;
  }
}

export interface WalkOptions {
  /** Stop after this many commits (all when absent). */
  limit?: number;
  /** Only commits that changed this file or folder (`git log -- PATH`); needs `readTree`. */
  path?: string;
  readTree?: ReadTree;
  /** Commits whose parents are not in the repository (a shallow clone's boundary): the walk ends there. */
  missingParents?: 'stop' | 'throw';
}

/**
 * The commits reachable from `heads`, newest first, at most `limit` of them.
 * @example await walkLog(store, [headOid], { limit: 51 })
 */
export async function walkLog(
  git: CommitReader,
  heads: readonly string[],
  opts: WalkOptions = {},
): Promise<GitCommitInfo[]> {
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const segments = opts.path ? opts.path.split('/').filter((s) => s !== '' && s !== '.') : [];
  const filtered = segments.length > 0;
  if (filtered && !opts.readTree) throw new TypeError('walkLog: a path needs readTree');
  const readTree = opts.readTree as ReadTree;
  const seen = new Set<string>();
  const queue = new DateQueue();
  const read = async (oid: string): Promise<GitCommitInfo | null> => {
    try {
      return await git.readCommit(oid);
    } catch (e) {
      if (e instanceof GitObjectMissingError && opts.missingParents !== 'throw') return null;
      throw e;
    }
  };
  for (const h of heads) {
    if (seen.has(h)) continue;
    seen.add(h);
    queue.push(await git.readCommit(h));
  }
  const atPath = async (c: GitCommitInfo) => (await entryAtPath(readTree, c.tree, segments))?.oid ?? null;
  const out: GitCommitInfo[] = [];
  while (queue.size > 0 && out.length < limit) {
    const commit = queue.pop() as GitCommitInfo;
    let follow = commit.parents;
    if (filtered) {
      const mine = await atPath(commit);
      const parents = (await Promise.all(commit.parents.map(read))).filter((p): p is GitCommitInfo => p !== null);
      const same = [];
      for (const p of parents) if ((await atPath(p)) === mine) same.push(p.oid);
      if (same.length > 0) {
        follow = [same[0] as string]; // equal to a parent at the path: not a change here
      } else if (mine !== null || parents.length > 0) {
        out.push(commit);
      }
    } else {
      out.push(commit);
    }
    for (const p of follow) {
      if (seen.has(p)) continue;
      seen.add(p);
      const parent = await read(p);
      if (parent) queue.push(parent);
    }
  }
  return out;
}

/**
 * The best common ancestors of `a` and `b` (what `git merge-base --all` prints), newest first;
 * [] when their histories share nothing.
 */
export async function mergeBases(git: CommitReader, a: string, b: string): Promise<string[]> {
  if (a === b) return [a];
  const fromA = new Set((await walkLog(git, [a])).map((c) => c.oid));
  // Walk b's history; a commit a also reaches is a candidate, and its own ancestors are not.
  const candidates: GitCommitInfo[] = [];
  const seen = new Set<string>([b]);
  const queue = new DateQueue();
  queue.push(await git.readCommit(b));
  while (queue.size > 0) {
    const c = queue.pop() as GitCommitInfo;
    if (fromA.has(c.oid)) {
      candidates.push(c);
      continue;
    }
    for (const p of c.parents) {
      if (seen.has(p)) continue;
      seen.add(p);
      const parent = await git.readCommit(p).catch((e) => {
        if (e instanceof GitObjectMissingError) return null; // a shallow clone's boundary
        throw e;
      });
      if (parent) queue.push(parent);
    }
  }
  if (candidates.length <= 1) return candidates.map((c) => c.oid);
  // Criss-cross histories: drop candidates that are ancestors of another candidate.
  const best: string[] = [];
  for (const c of candidates) {
    const others = candidates.filter((o) => o !== c).map((o) => o.oid);
    const below = new Set((await walkLog(git, others)).map((o) => o.oid));
    if (!below.has(c.oid)) best.push(c.oid);
  }
  return best;
}
