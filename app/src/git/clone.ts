/** Cloning a server repository into this device. */
import { deleteLocalRepo, type RepoHandle, registerRepo, updateRepo } from '../storage/repo-handle.ts';
import { basicAuth, getCredentials } from '../sync/credentials.ts';
import { classifyGitError } from './errors.ts';
import { limitedHttp } from './http-limit.ts';
import { loadGit } from './load-git.ts';
import { gitUrl } from './urls.ts';

export interface GitProgress {
  phase: string;
  loaded: number;
  total?: number;
}

/** Request headers carrying this device's credentials for `server`, if signed in. */
export async function authHeaders(server: string): Promise<Record<string, string>> {
  const credentials = await getCredentials(server);
  return credentials ? { Authorization: basicAuth(credentials) } : {};
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
): Promise<RepoHandle> {
  const { git, http } = await loadGit();
  const handle = await registerRepo(owner, repo, server);
  try {
    await git.clone({
      fs: handle.fs,
      http: limitedHttp(http),
      dir: handle.dir,
      url: gitUrl(server, owner, repo),
      headers: await authHeaders(server),
      singleBranch: false,
      onProgress: onProgress
        ? (p) => onProgress({ phase: p.phase, loaded: p.loaded, ...(p.total ? { total: p.total } : {}) })
        : undefined,
    });
    await handle.flush();
    await updateRepo(handle.id, { syncState: 'up-to-date', lastSyncedAt: Date.now(), pending: false });
    return handle;
  } catch (error) {
    await deleteLocalRepo(owner, repo).catch(() => {});
    throw classifyGitError(error, server);
  }
}
