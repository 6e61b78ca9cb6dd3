/**
 * Branches, tags and revisions: what the ref picker lists and what a URL's REF means.
 * A branch is a local branch or one of the server's (`refs/remotes/origin/*`, every branch a
 * clone or sync fetched); a revision is a branch, a tag (annotated tags are peeled to their
 * commit), `HEAD`, a full ref name (`refs/exps/…`), or a full or abbreviated commit id.
 * Refs are read by core's GitRefs (loose, packed-refs, symbolic HEAD); isomorphic-git reads
 * only the config.
 */
import git from 'isomorphic-git';
import type { ReadContext } from './read-context.ts';
import { GitReadError } from './read-errors.ts';

export interface RepoRefs {
  /** Local branches and the server's, by name. */
  branches: string[];
  tags: string[];
  /** The branch HEAD points at, or null when HEAD is detached or the repository is empty. */
  currentBranch: string | null;
  /** The branch a URL without a ref opens: the server's default, else the current one; null when there is no branch. */
  defaultBranch: string | null;
  /** The server's HEAD named no existing branch, so `defaultBranch` was chosen on this device. */
  defaultChosenHere: boolean;
}

export interface ResolvedRevision {
  /** The commit the revision names. */
  oid: string;
  kind: 'branch' | 'tag' | 'commit';
  /** The revision as the user wrote it (branch or tag name, or the commit id). */
  name: string;
}

const REMOTE_PREFIX = 'refs/remotes/origin/';

async function configValue(ctx: ReadContext, path: string): Promise<string | null> {
  const value = await git.getConfig({ fs: ctx.fs, dir: ctx.dir, path }).catch(() => undefined);
  return typeof value === 'string' && value ? value : null;
}

/** Every branch (local and the server's) and tag, sorted; the current and the default branch. */
export async function listRefs(ctx: ReadContext): Promise<RepoRefs> {
  const { refs } = ctx.repo;
  const below = async (prefix: string) => (await refs.names(prefix)).map((ref) => ref.slice(prefix.length));
  const [local, remote, tags, head, recorded, fallback] = await Promise.all([
    below('refs/heads/'),
    below(REMOTE_PREFIX),
    below('refs/tags/'),
    refs.symbolicTarget('HEAD'),
    configValue(ctx, 'cairn.defaultbranch'),
    configValue(ctx, 'cairn.headfallback'),
  ]);
  const current = head?.startsWith('refs/heads/') ? head.slice('refs/heads/'.length) : null;
  const branches = [...new Set([...local, ...remote.filter((b) => b !== 'HEAD')])].sort();
  const currentBranch = current && branches.includes(current) ? current : null;
  const defaultBranch =
    (recorded && branches.includes(recorded) ? recorded : null) ?? currentBranch ?? branches[0] ?? null;
  return {
    branches,
    tags,
    currentBranch,
    defaultBranch,
    defaultChosenHere: fallback === 'true' && defaultBranch === recorded,
  };
}

/**
 * The branch a URL that names no ref opens (see RepoRefs.defaultBranch), or `main` in an
 * empty repository.
 */
export async function defaultBranch(ctx: ReadContext): Promise<string> {
  return (await listRefs(ctx)).defaultBranch ?? 'main';
}

/** git accepts a commit id abbreviated to 4 hex digits or more. */
const HEX = /^[0-9a-f]{4,40}$/i;

/**
 * The commit a revision names. Branches win over tags, tags over commit ids. An abbreviated
 * id that several commits start with is an ambiguous_revision listing them (`data.candidates`).
 * @example await resolveRevision(ctx, 'main') // { oid: '3f1c…', kind: 'branch', name: 'main' }
 */
export async function resolveRevision(ctx: ReadContext, rev: string): Promise<ResolvedRevision> {
  const { repo } = ctx;
  // A ref to an annotated tag names the tag's commit; a ref to no commit (a tree, a missing object) names nothing.
  const tryRef = async (ref: string) => {
    const oid = await repo.resolveRef(ref);
    return oid ? repo.peelToCommit(oid) : null;
  };
  if (rev === 'HEAD') {
    const oid = await tryRef('HEAD');
    if (oid) return { oid, kind: 'branch', name: rev };
    // HEAD names a branch with no commits (an empty clone): the default branch, if any.
    const fallback = (await listRefs(ctx)).defaultBranch;
    if (!fallback) throw new GitReadError('empty_repository', 'This repository has no commits yet.', { ref: rev });
    return resolveRevision(ctx, fallback);
  }
  for (const [kind, ref] of [
    ['branch', `refs/heads/${rev}`],
    ['branch', `${REMOTE_PREFIX}${rev}`],
    ['tag', `refs/tags/${rev}`],
  ] as const) {
    const oid = await tryRef(ref);
    if (oid) return { oid, kind, name: rev };
  }
  if (rev.startsWith('refs/')) {
    const oid = await tryRef(rev);
    if (oid) return { oid, kind: rev.startsWith('refs/tags/') ? 'tag' : 'branch', name: rev };
  }
  if (HEX.test(rev)) {
    const oid = await expandCommitId(ctx, rev.toLowerCase());
    if (oid) return { oid, kind: 'commit', name: rev };
  }
  throw new GitReadError('ref_not_found', `No branch, tag or commit is called “${rev}”.`, { ref: rev });
}

/**
 * The one commit whose id starts with `prefix`, or null when none does. Like git, objects
 * that are not commits (trees, blobs) do not make a commit id ambiguous.
 */
async function expandCommitId(ctx: ReadContext, prefix: string): Promise<string | null> {
  const commits = await ctx.repo.commitsWithPrefix(prefix);
  if (commits.length <= 1) return commits[0] ?? null;
  throw new GitReadError(
    'ambiguous_revision',
    `${commits.length} commits start with “${prefix}”: pick one, or write more of its id.`,
    { ref: prefix, candidates: commits.sort() },
  );
}

/**
 * Splits URL segments after `/tree/` or `/blob/` into a revision and a path. Branch names may
 * hold slashes (`feature/x`), so the longest prefix that names a branch or tag wins, as on GitHub;
 * otherwise the first segment is the revision.
 */
export async function splitRevisionAndPath(
  ctx: ReadContext,
  segments: readonly string[],
): Promise<{ rev: string; path: string }> {
  if (segments.length > 1) {
    const refs = await listRefs(ctx);
    const names = new Set([...refs.branches, ...refs.tags]);
    for (let n = segments.length; n > 1; n--) {
      const candidate = segments.slice(0, n).join('/');
      if (names.has(candidate)) return { rev: candidate, path: segments.slice(n).join('/') };
    }
  }
  return { rev: segments[0] ?? 'HEAD', path: segments.slice(1).join('/') };
}
