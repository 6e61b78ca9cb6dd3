/**
 * What the server says about a repository (`GET /api/v1/repos/O/R`): the caller's permission,
 * the clone URL, and the default branch; and the one setting the app changes there, the
 * default branch (`PATCH … {defaultBranch}`; the server moves git's HEAD with it).
 */
import { ApiError, apiFetch, defaultServer } from '../sync/api.ts';

export interface ServerRepoInfo {
  permission: 'read' | 'write' | 'admin' | null;
  cloneUrl: string;
  /** The DVC remote (`…/O/R.dvc`) and MLflow tracking URI (`…/O/R.mlflow`) the server names. */
  dvcRemote: string;
  mlflowTrackingUri: string;
  private: boolean;
  description: string;
  /** null when the repository has no branch yet, or the server does not say (older servers). */
  defaultBranch: string | null;
}

function repoPath(owner: string, repo: string): string {
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
}

export function infoOf(body: Record<string, unknown>, fallbackUrl: string): ServerRepoInfo {
  const p = body.permission;
  return {
    permission: p === 'read' || p === 'write' || p === 'admin' ? p : null,
    cloneUrl: typeof body.cloneUrl === 'string' ? body.cloneUrl : fallbackUrl,
    dvcRemote: typeof body.dvcRemote === 'string' ? body.dvcRemote : fallbackUrl.replace(/\.git$/, '.dvc'),
    mlflowTrackingUri:
      typeof body.mlflowTrackingUri === 'string' ? body.mlflowTrackingUri : fallbackUrl.replace(/\.git$/, '.mlflow'),
    private: body.private === true,
    description: typeof body.description === 'string' ? body.description : '',
    defaultBranch: typeof body.defaultBranch === 'string' && body.defaultBranch ? body.defaultBranch : null,
  };
}

/** The server's view of `owner/repo`, or null when it cannot be asked (offline, unreachable, no access). */
export async function fetchServerRepo(
  owner: string,
  repo: string,
  server = defaultServer(),
): Promise<ServerRepoInfo | null> {
  if (globalThis.navigator?.onLine === false) return null;
  try {
    const body = await apiFetch<Record<string, unknown>>(server, repoPath(owner, repo));
    return infoOf(body ?? {}, `${server}/${owner}/${repo}.git`);
  } catch {
    return null;
  }
}

/** The server refused to change the default branch; the message says why and what to do. */
export class DefaultBranchRefusedError extends Error {
  readonly code = 'default-branch-refused' as const;
  constructor(message: string) {
    super(message);
    this.name = 'DefaultBranchRefusedError';
  }
}

/** Makes `branch` the repository's default branch on the server. */
export async function setServerDefaultBranch(
  owner: string,
  repo: string,
  branch: string,
  server = defaultServer(),
): Promise<ServerRepoInfo> {
  let body: Record<string, unknown>;
  try {
    body = await apiFetch<Record<string, unknown>>(server, repoPath(owner, repo), {
      method: 'PATCH',
      body: JSON.stringify({ defaultBranch: branch }),
    });
  } catch (error) {
    if (error instanceof ApiError) {
      const why =
        error.status === 403 || error.status === 401
          ? 'Only admins of this repository can change its default branch.'
          : error.status === 400
            ? `The server refused: ${error.message} It may not support changing the default branch yet; ask its administrator to update it, or change HEAD on the server with git.`
            : `The server refused: ${error.message}`;
      throw new DefaultBranchRefusedError(why);
    }
    throw new DefaultBranchRefusedError(
      'The server cannot be reached. Change the default branch when this device is online.',
    );
  }
  const info = infoOf(body ?? {}, `${server}/${owner}/${repo}.git`);
  if (info.defaultBranch !== branch) {
    throw new DefaultBranchRefusedError(
      `The server answered but kept its default branch${info.defaultBranch ? ` “${info.defaultBranch}”` : ''}: it may not support changing it yet. Ask its administrator to update it.`,
    );
  }
  return info;
}

export interface ServerRepoSummary extends ServerRepoInfo {
  owner: string;
  name: string;
}

/**
 * The repositories the server lets this user read (own, shared with them, public), or null when
 * it cannot be asked (offline, unreachable).
 */
export async function listServerRepos(server = defaultServer()): Promise<ServerRepoSummary[] | null> {
  if (globalThis.navigator?.onLine === false) return null;
  try {
    const body = await apiFetch<{ repos?: Record<string, unknown>[] }>(server, '/repos');
    return (body?.repos ?? []).flatMap((r) =>
      typeof r.owner === 'string' && typeof r.name === 'string'
        ? [{ ...infoOf(r, `${server}/${r.owner}/${r.name}.git`), owner: r.owner, name: r.name }]
        : [],
    );
  } catch {
    return null;
  }
}
