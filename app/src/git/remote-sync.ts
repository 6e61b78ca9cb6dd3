/**
 * Pull and push of git history with the server. Pull fast-forwards when it can, makes a merge
 * commit when both sides moved and the merge is clean, and otherwise throws `DivergedError`
 * explaining what to do; nothing local is ever dropped. Push retries once after a pull when
 * the server moved meanwhile.
 */
import type { RepoHandle } from '../storage/repo-handle.ts';
import { withAdvertisedHead } from './advertised-head.ts';
import { getAuthor } from './author.ts';
import { authHeaders } from './clone.ts';
import { classifyGitError, DivergedError } from './errors.ts';
import { fetchAllRefs } from './fetch-refs.ts';
import { ALL_HISTORY, fetchHistoryIntoStore } from './history-fetch.ts';
import { CLONE_LIMIT_BYTES, limitedHttp } from './http-limit.ts';
import { loadGit } from './load-git.ts';
import { gitUrl } from './urls.ts';

export type PullResult = 'up-to-date' | 'fast-forward' | 'merged' | 'ahead' | 'empty-remote';

async function currentBranch(handle: RepoHandle): Promise<string> {
  const { git } = await loadGit();
  return (await git.currentBranch({ fs: handle.fs, dir: handle.dir })) ?? 'main';
}

async function ensureOrigin(handle: RepoHandle, server: string): Promise<void> {
  const { git } = await loadGit();
  await git.addRemote({
    fs: handle.fs,
    dir: handle.dir,
    remote: 'origin',
    url: gitUrl(server, handle.owner, handle.repo),
    force: true,
  });
}

/**
 * Fetches every branch, tag and experiment ref from the server (fetch-refs.ts) and brings the
 * current branch up to the server's. A branch with no commits here yet (a repository cloned
 * while empty) becomes the server's default branch once the server has one.
 */
export async function pullRepo(handle: RepoHandle, server: string): Promise<PullResult> {
  const { git, http } = await loadGit();
  const { fs, dir } = handle;
  const branch = await currentBranch(handle);
  await ensureOrigin(handle, server);
  let remoteOid: string | null;
  try {
    const outcome = await fetchAllRefs({
      git,
      http: limitedHttp(http),
      fs,
      dir,
      url: gitUrl(server, handle.owner, handle.repo),
      headers: await authHeaders(server),
      preferBranch: branch,
    });
    const unborn = !(await git.resolveRef({ fs, dir, ref: 'HEAD' }).catch(() => null));
    if (unborn && outcome.defaultBranch) {
      await git.checkout({ fs, dir, ref: outcome.defaultBranch, remote: 'origin' });
      await handle.flush();
      return 'fast-forward';
    }
    if (unborn && outcome.server.tags.size > 0) return 'up-to-date'; // only tags: nothing to merge
    remoteOid = outcome.server.branches.get(branch) ?? null;
    if (!remoteOid) return 'empty-remote';
  } catch (error) {
    throw classifyGitError(error, server);
  }
  const localOid = await git.resolveRef({ fs, dir, ref: branch }).catch(() => null);
  if (localOid === remoteOid) return 'up-to-date';
  if (localOid && (await git.isDescendent({ fs, dir, oid: localOid, ancestor: remoteOid, depth: -1 }))) {
    return 'ahead';
  }
  try {
    const merge = await git.merge({
      fs,
      dir,
      ours: branch,
      theirs: remoteOid,
      author: await getAuthor(),
      message: `Merge ${server} ${branch} into ${branch}`,
      abortOnConflict: true,
    });
    await git.checkout({ fs, dir, ref: branch, force: true });
    await handle.flush();
    return merge.fastForward ? 'fast-forward' : 'merged';
  } catch (error) {
    const e = error as { code?: string; data?: { filepaths?: string[] } };
    if (e.code === 'MergeConflictError' || e.code === 'MergeNotSupportedError') {
      throw new DivergedError(branch, e.data?.filepaths ?? []);
    }
    throw error;
  }
}

/**
 * Fetches what the server has (branches, tags, experiments) without touching the working
 * tree: a view asked for a revision this device does not have yet.
 */
export async function fetchServerRefs(handle: RepoHandle, server: string): Promise<void> {
  const { git, http } = await loadGit();
  await ensureOrigin(handle, server);
  try {
    await fetchAllRefs({
      git,
      http: limitedHttp(http),
      fs: handle.fs,
      dir: handle.dir,
      url: gitUrl(server, handle.owner, handle.repo),
      headers: await authHeaders(server),
      preferBranch: await currentBranch(handle),
    });
  } catch (error) {
    throw classifyGitError(error, server);
  }
  await handle.flush();
}

/** Pushes the current branch; when the server moved meanwhile, pulls (merging) and pushes again. */
export async function pushRepo(handle: RepoHandle, server: string): Promise<void> {
  const { git, http } = await loadGit();
  const branch = await currentBranch(handle);
  await ensureOrigin(handle, server);
  const push = async () =>
    git.push({
      fs: handle.fs,
      http,
      dir: handle.dir,
      remote: 'origin',
      ref: branch,
      headers: await authHeaders(server),
    });
  try {
    const result = await push();
    if (!result.ok) throw new Error(result.error ?? 'The server refused the push.');
  } catch (error) {
    const e = error as { code?: string };
    if (e.code !== 'PushRejectedError') throw classifyGitError(error, server);
    await pullRepo(handle, server);
    const again = await push().catch((err: unknown) => {
      throw classifyGitError(err, server);
    });
    if (!again.ok) throw new Error(again.error ?? 'The server refused the push.');
  }
}

/** True when the local branch has commits the server's copy (as last fetched) lacks. */
/** The commit checked out (null in a repository with no commit yet). */
export async function headOid(handle: RepoHandle): Promise<string | null> {
  const { git } = await loadGit();
  return git.resolveRef({ fs: handle.fs, dir: handle.dir, ref: 'HEAD' }).catch(() => null);
}

export async function hasUnpushedCommits(handle: RepoHandle): Promise<boolean> {
  const { git } = await loadGit();
  const { fs, dir } = handle;
  const branch = await currentBranch(handle);
  const local = await git.resolveRef({ fs, dir, ref: branch }).catch(() => null);
  const remote = await git.resolveRef({ fs, dir, ref: `refs/remotes/origin/${branch}` }).catch(() => null);
  return local !== null && local !== remote;
}

/** True for a "latest only" clone whose older history is not on this device (`.git/shallow` lists the cut). */
export async function isShallow(handle: RepoHandle): Promise<boolean> {
  const text = await handle.pfs
    .readFile(`${handle.dir.replace(/\/$/, '')}/.git/shallow`, { encoding: 'utf8' })
    .catch(() => '');
  return String(text).trim().length > 0;
}

/**
 * Fetches the history a "latest only" clone left on the server: every branch deepened to its
 * first commit, streamed into OPFS as a clone's pack is (history-fetch.ts). Where packs cannot
 * stream, isomorphic-git fetches it: it sends the shallow commits and drops them from
 * `.git/shallow` as the server unshallows them (the file goes when none is left).
 */
export async function fetchHistory(handle: RepoHandle, server: string): Promise<void> {
  const { git, http } = await loadGit();
  await ensureOrigin(handle, server);
  const branch = await currentBranch(handle);
  try {
    const url = gitUrl(server, handle.owner, handle.repo);
    const headers = await authHeaders(server);
    const streamed = await fetchHistoryIntoStore({
      git,
      http,
      fs: handle.fs,
      dir: handle.dir,
      url,
      headers,
      limitBytes: CLONE_LIMIT_BYTES,
    });
    if (streamed) {
      await handle.flush();
      return;
    }
    await git.fetch({
      fs: handle.fs,
      http: withAdvertisedHead(limitedHttp(http), `refs/heads/${branch}`),
      dir: handle.dir,
      url: gitUrl(server, handle.owner, handle.repo),
      remote: 'origin',
      ref: branch,
      singleBranch: false,
      tags: true,
      depth: ALL_HISTORY,
      relative: false,
      headers: await authHeaders(server),
    });
  } catch (error) {
    throw classifyGitError(error, server);
  }
  await handle.flush();
}

/**
 * Forgets what the server's copy held (`refs/remotes/origin/*`): for a repository pushed again
 * into a new, empty one on the server, where every commit is unpushed.
 */
export async function forgetServerRefs(handle: RepoHandle): Promise<void> {
  const { git } = await loadGit();
  const { fs, dir } = handle;
  for (const branch of await git.listBranches({ fs, dir, remote: 'origin' }).catch(() => [] as string[])) {
    if (branch === 'HEAD') continue;
    await git.deleteRef({ fs, dir, ref: `refs/remotes/origin/${branch}` }).catch(() => {});
  }
  await handle.flush();
}

/** Pushes every local branch but the current one (which the sync pushes) and every tag. */
export async function pushOtherBranchesAndTags(handle: RepoHandle, server: string): Promise<void> {
  const { git, http } = await loadGit();
  const { fs, dir } = handle;
  await ensureOrigin(handle, server);
  const current = await currentBranch(handle);
  const refs = [
    ...(await git.listBranches({ fs, dir })).filter((b) => b !== current).map((b) => `refs/heads/${b}`),
    ...(await git.listTags({ fs, dir })).map((t) => `refs/tags/${t}`),
  ];
  for (const ref of refs) {
    try {
      const result = await git.push({
        fs,
        http,
        dir,
        remote: 'origin',
        ref,
        remoteRef: ref,
        headers: await authHeaders(server),
      });
      if (!result.ok) throw new Error(result.error ?? `The server refused ${ref}.`);
    } catch (error) {
      throw classifyGitError(error, server);
    }
  }
}
