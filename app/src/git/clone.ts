/**
 * Cloning a server repository into this device: every branch, tag and DVC experiment ref in
 * one pack (pack-clone.ts; with `latestOnly`, the latest commits only), then the default
 * branch checked out. Unlike `git.clone`, this never asks the
 * server for "HEAD": a server whose HEAD names a missing branch (a first push of `master` into
 * a repository made for `main`) still opens, on a branch chosen by server-refs.ts. An empty
 * repository and one with only tags clone too; their pages say what to do.
 */
import { deleteLocalRepo, type RepoHandle, registerRepo, updateRepo } from '../storage/repo-handle.ts';
import { APP_REQUEST, apiFetch } from '../sync/api.ts';
import { basicAuth, getCredentials } from '../sync/credentials.ts';
import { holdingCloneLock } from './clone-lock.ts';
import { classifyGitError, RepoNotFoundError } from './errors.ts';
import { CLONE_LIMIT_BYTES } from './http-limit.ts';
import { loadGit } from './load-git.ts';
import { cloneInto } from './pack-clone.ts';
import { gitUrl } from './urls.ts';

export interface GitProgress {
  phase: string;
  loaded: number;
  total?: number;
}

/**
 * Request headers carrying this device's credentials for `server`, if signed in. `X-Requested-With`
 * tells the server not to answer a 401 with a Basic challenge, so the browser never opens its own
 * password dialog over the app (which would hold the request, and the sync, until dismissed).
 */
export async function authHeaders(server: string): Promise<Record<string, string>> {
  const credentials = await getCredentials(server);
  return credentials ? { ...APP_REQUEST, Authorization: basicAuth(credentials) } : { ...APP_REQUEST };
}

/**
 * The default branch the server's JSON API names (`defaultBranch`), or null when it names none
 * or cannot say (an older server, or the repository is not readable through the API).
 */
export async function apiDefaultBranch(server: string, owner: string, repo: string): Promise<string | null> {
  try {
    const body = await apiFetch<{ defaultBranch?: unknown }>(
      server,
      `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`,
    );
    return typeof body?.defaultBranch === 'string' && body.defaultBranch ? body.defaultBranch : null;
  } catch {
    return null;
  }
}

export interface CloneOptions {
  /** Only the latest commit of each branch and tag; history is fetched later, on demand. */
  latestOnly?: boolean;
}

/**
 * Clones `owner/repo` from `server` (an origin). On any failure the half-made local copy is
 * deleted, so the repository list never shows a broken clone.
 */
export async function cloneRepo(
  server: string,
  owner: string,
  repo: string,
  onProgress?: (progress: GitProgress) => void,
  options: CloneOptions = {},
): Promise<RepoHandle> {
  const { git, http } = await loadGit();
  return holdingCloneLock(`${owner}/${repo}`, async () => {
    // Marked as cloning until complete: a tab that goes away mid-clone leaves a row that the next
    // open recognises as half-made (ensureRepo) instead of a repository that never opens.
    const handle = await registerRepo(owner, repo, server, { cloning: true });
    const { fs, dir } = handle;
    try {
      const url = gitUrl(server, owner, repo);
      const apiDefault = await apiDefaultBranch(server, owner, repo);
      await cloneInto({
        git,
        http,
        fs,
        dir,
        url,
        headers: await authHeaders(server),
        apiDefault,
        initialBranch: apiDefault ?? 'main',
        limitBytes: CLONE_LIMIT_BYTES,
        ...(options.latestOnly ? { depth: 1 } : {}),
        ...(onProgress ? { onProgress } : {}),
      });
      await handle.flush();
      const now = Date.now();
      await updateRepo(handle.id, {
        syncState: 'up-to-date',
        lastSyncedAt: now,
        // From now on a 404 for it means it went away on the server, never "create it".
        onServerSince: now,
        pending: false,
        cloning: false,
      });
      return handle;
    } catch (error) {
      await deleteLocalRepo(owner, repo).catch(() => {});
      const status = (error as { data?: { statusCode?: number } } | null)?.data?.statusCode;
      if (status === 404 || status === 401) {
        throw new RepoNotFoundError(server, `${owner}/${repo}`, (await getCredentials(server)) !== null);
      }
      throw classifyGitError(error, server);
    }
  });
}
