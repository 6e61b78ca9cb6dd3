/**
 * Branches, tags and revisions: what the ref picker lists and what a URL's REF means.
 * A revision is a branch, a tag (annotated tags are peeled to their commit), `HEAD`, or a full
 * or abbreviated commit id.
 */
import git from 'isomorphic-git';
import type { ReadContext } from './read-context.ts';
import { GitReadError } from './read-errors.ts';

export interface RepoRefs {
  branches: string[];
  tags: string[];
  /** The branch HEAD points at, or null when HEAD is detached or the repository is empty. */
  currentBranch: string | null;
}

export interface ResolvedRevision {
  /** The commit the revision names. */
  oid: string;
  kind: 'branch' | 'tag' | 'commit';
  /** The revision as the user wrote it (branch or tag name, or the commit id). */
  name: string;
}

/** Every local branch and tag, sorted, and the current branch. */
export async function listRefs(ctx: ReadContext): Promise<RepoRefs> {
  const [branches, tags, currentBranch] = await Promise.all([
    git.listBranches({ fs: ctx.fs, dir: ctx.dir }),
    git.listTags({ fs: ctx.fs, dir: ctx.dir }),
    git.currentBranch({ fs: ctx.fs, dir: ctx.dir, fullname: false }).catch(() => undefined),
  ]);
  return { branches: branches.sort(), tags: tags.sort(), currentBranch: currentBranch ?? null };
}

/**
 * The branch HEAD points at (or `main` in an empty repository), used when a URL names no ref.
 */
export async function defaultBranch(ctx: ReadContext): Promise<string> {
  const refs = await listRefs(ctx);
  return refs.currentBranch ?? refs.branches[0] ?? 'main';
}

const HEX = /^[0-9a-f]{4,40}$/;

/**
 * The commit a revision names. Branches win over tags, tags over commit ids, as in git.
 * @example await resolveRevision(ctx, 'main') // { oid: '3f1c…', kind: 'branch', name: 'main' }
 */
export async function resolveRevision(ctx: ReadContext, rev: string): Promise<ResolvedRevision> {
  const { fs, dir, cache } = ctx;
  const peel = async (oid: string) => (await git.readCommit({ fs, dir, oid, cache })).oid;
  if (rev === 'HEAD') {
    const oid = await git.resolveRef({ fs, dir, ref: 'HEAD' }).catch(() => null);
    if (!oid) throw new GitReadError('empty_repository', 'This repository has no commits yet.', { ref: rev });
    return { oid: await peel(oid), kind: 'branch', name: rev };
  }
  for (const [kind, prefix] of [
    ['branch', 'refs/heads/'],
    ['tag', 'refs/tags/'],
  ] as const) {
    const oid = await git.resolveRef({ fs, dir, ref: `${prefix}${rev}` }).catch(() => null);
    if (oid) return { oid: await peel(oid), kind, name: rev };
  }
  if (HEX.test(rev)) {
    const full = await git.expandOid({ fs, dir, oid: rev, cache }).catch(() => null);
    if (full) {
      const oid = await peel(full).catch(() => null);
      if (oid) return { oid, kind: 'commit', name: rev };
    }
  }
  throw new GitReadError('ref_not_found', `No branch, tag or commit is called “${rev}”.`, { ref: rev });
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
