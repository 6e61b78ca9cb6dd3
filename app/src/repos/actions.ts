/**
 * What the repository list can do: create, clone from the server, ask the server to import
 * from a git URL, delete a local copy. Plain services; the pages call them.
 */
import type { CloneOptions, GitProgress } from '../git/clone.ts';
import { waitForRunningClone } from '../git/clone-lock.ts';
import { deleteLocalRepo, openRepo, type RepoHandle } from '../storage/repo-handle.ts';
import { assertRepoName } from '../storage/repo-names.ts';
import { ApiError, apiFetch, defaultServer } from '../sync/api.ts';
import { browserSaysOffline } from '../sync/connectivity.ts';
import { getCredentials } from '../sync/credentials.ts';

/** Owner of repositories made on a device that is not signed in. */
export const LOCAL_OWNER = 'local';

/**
 * Creates a repository. Signed in: it belongs to the account, is created on the server when
 * reachable (or at the first sync), and syncs. Not signed in: it stays on this device.
 */
export async function createRepo(
  name: string,
  options: { private?: boolean; description?: string } = {},
): Promise<RepoHandle> {
  assertRepoName(name);
  const server = defaultServer();
  const credentials = await getCredentials(server);
  const { createLocalRepo } = await import('../git/init.ts');
  if (!credentials) return createLocalRepo(LOCAL_OWNER, name, null);
  if (!browserSaysOffline()) {
    await apiFetch(server, '/repos', {
      method: 'POST',
      body: JSON.stringify({ name, private: options.private ?? false, description: options.description ?? '' }),
    }).catch((error: unknown) => {
      // Offline or server down: the first sync creates it. A refusal is the user's to see.
      if (error instanceof ApiError) throw error;
    });
  }
  const handle = await createLocalRepo(credentials.username, name, server);
  void import('../sync/engine.ts').then((m) => m.requestSync(handle.id));
  return handle;
}

/** Clones `owner/repo` from the server that served the app. */
export async function cloneFromServer(
  owner: string,
  repo: string,
  onProgress?: (p: GitProgress) => void,
  options: CloneOptions = {},
): Promise<RepoHandle> {
  const existing = await openRepo(owner, repo);
  if (existing) return existing;
  // An old name of a renamed repository would clone a second copy under that name.
  const { currentName, movedTo, RepoMovedError } = await import('../repo-settings/renamed-repo.ts');
  const moved = movedTo(owner, repo, await currentName(owner, repo));
  if (moved) throw new RepoMovedError({ owner, name: repo }, moved);
  const { cloneRepo } = await import('../git/clone.ts');
  return cloneRepo(defaultServer(), owner, repo, onProgress, options);
}

/** The repository if it is on this device, else cloned from the server (first visit of `/owner/repo`). */
export async function ensureRepo(
  owner: string,
  repo: string,
  onProgress?: (p: GitProgress) => void,
): Promise<RepoHandle> {
  const existing = await openRepo(owner, repo);
  if (existing?.row.cloning) {
    // Another tab is cloning it: wait, then take what it made (or clone, if it failed).
    if (await waitForRunningClone(existing.row.id)) return ensureRepo(owner, repo, onProgress);
    // Left half-made by a tab closed or navigated away mid-clone: start again.
    await deleteLocalRepo(owner, repo);
    return cloneFromServer(owner, repo, onProgress);
  }
  return existing ?? cloneFromServer(owner, repo, onProgress);
}

export interface ImportRequest {
  url: string;
  name: string;
  /** Keep the server's copy in step with the source (a mirror) rather than importing once. */
  mirror: boolean;
}

/** Asks the server to import a git repository from any URL, then clones the result here. */
export async function importFromUrl(
  request: ImportRequest,
  onProgress?: (p: GitProgress) => void,
): Promise<RepoHandle> {
  assertRepoName(request.name);
  const server = defaultServer();
  const credentials = await getCredentials(server);
  if (!credentials) throw new ApiError(401, 'unauthenticated', 'Sign in to import a repository into the server.');
  await apiFetch(server, '/repos/import', {
    method: 'POST',
    body: JSON.stringify({ url: request.url, name: request.name, mirror: request.mirror }),
  });
  return cloneFromServer(credentials.username, request.name, onProgress);
}

export async function deleteLocalCopy(owner: string, repo: string): Promise<void> {
  await deleteLocalRepo(owner, repo);
}
