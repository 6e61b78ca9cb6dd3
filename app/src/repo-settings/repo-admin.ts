/**
 * The repository changes only its admins may make on the server: rename or transfer
 * (`POST /api/v1/repos/O/R/rename {name, owner}`; old URLs then redirect) and delete
 * (`DELETE /api/v1/repos/O/R {confirm: "O/R"}`; takes git, data only it uses, MLflow runs, run
 * feed and live notes). The server's refusals become a `RepoAdminError` whose code says which.
 */
import { CairnError } from '@cairn/core/errors';
import { ServerUnreachableError } from '../git/errors.ts';
import { ApiError, apiFetch, defaultServer } from '../sync/api.ts';

export type RepoAdminErrorCode =
  | 'name_taken'
  | 'invalid_name'
  | 'not_allowed'
  | 'no_such_owner'
  | 'confirmation_required'
  | 'server_unreachable'
  | 'refused';

export class RepoAdminError extends CairnError<RepoAdminErrorCode> {
  constructor(code: RepoAdminErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
    this.name = 'RepoAdminError';
  }
}

function repoPath(owner: string, repo: string): string {
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
}

/** The server's answer as a RepoAdminError with words a person can act on. */
export function adminErrorOf(error: unknown, action: 'rename' | 'delete'): RepoAdminError {
  if (error instanceof RepoAdminError) return error;
  if (error instanceof ServerUnreachableError) {
    return new RepoAdminError(
      'server_unreachable',
      `The server cannot be reached: nothing was ${action === 'rename' ? 'renamed' : 'deleted'}. Try again when this device is online.`,
      { cause: error },
    );
  }
  if (error instanceof ApiError) {
    const code: RepoAdminErrorCode =
      error.serverCode === 'name_taken'
        ? 'name_taken'
        : error.serverCode === 'invalid_name'
          ? 'invalid_name'
          : error.serverCode === 'confirmation_required'
            ? 'confirmation_required'
            : error.status === 401 || error.status === 403
              ? 'not_allowed'
              : error.status === 404 && action === 'rename'
                ? 'no_such_owner'
                : 'refused';
    const message =
      code === 'not_allowed' ? `${error.message} Only admins of this repository may ${action} it.` : error.message;
    return new RepoAdminError(code, message, { cause: error });
  }
  return new RepoAdminError('refused', (error as Error)?.message ?? String(error), { cause: error });
}

export interface RenamedRepo {
  owner: string;
  name: string;
}

/** Renames `owner/repo` to `to.name`, moving it to `to.owner` when that differs. */
export async function renameServerRepo(
  owner: string,
  repo: string,
  to: { owner: string; name: string },
  server = defaultServer(),
): Promise<RenamedRepo> {
  try {
    const body = await apiFetch<{ owner?: unknown; name?: unknown }>(server, `${repoPath(owner, repo)}/rename`, {
      method: 'POST',
      body: JSON.stringify({ name: to.name, owner: to.owner }),
    });
    if (typeof body?.owner !== 'string' || typeof body.name !== 'string') {
      throw new RepoAdminError('refused', 'The server answered without the new name; reload to see what happened.');
    }
    return { owner: body.owner, name: body.name };
  } catch (error) {
    throw adminErrorOf(error, 'rename');
  }
}

/** Deletes `owner/repo` on the server; `typed` is what the person typed to confirm. */
export async function deleteServerRepo(
  owner: string,
  repo: string,
  typed: string,
  server = defaultServer(),
): Promise<void> {
  try {
    await apiFetch(server, repoPath(owner, repo), { method: 'DELETE', body: JSON.stringify({ confirm: typed }) });
  } catch (error) {
    throw adminErrorOf(error, 'delete');
  }
}
