/**
 * "Copy to my account": asks the server to copy a repository this user can read into their own
 * account (`POST /api/v1/repos/O/R/copy {name}`, sync-server/src/repos/copy-repo.ts): branches,
 * tags, experiment refs and DVC data; not MLflow runs. Refusals come back as a typed error whose
 * message says what to do.
 */
import { CairnError } from '@cairn/core/errors';
import { ApiError, apiFetch } from '../sync/api.ts';

export class CopyRefusedError extends CairnError<'copy_refused', { serverCode: string | null }> {
  constructor(message: string, serverCode: string | null) {
    super('copy_refused', message, { serverCode });
    this.name = 'CopyRefusedError';
  }
}

export interface CopiedRepo {
  owner: string;
  name: string;
}

export async function copyToMyAccount(server: string, owner: string, repo: string, name: string): Promise<CopiedRepo> {
  let body: Record<string, unknown>;
  try {
    body = await apiFetch<Record<string, unknown>>(
      server,
      `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/copy`,
      { method: 'POST', body: JSON.stringify({ name }) },
    );
  } catch (error) {
    if (error instanceof ApiError) {
      const why =
        error.serverCode === 'name_taken'
          ? `${error.message} Pick another name for the copy.`
          : error.status === 401
            ? 'Sign in first: the copy goes to your account.'
            : error.message;
      throw new CopyRefusedError(why, error.serverCode);
    }
    throw new CopyRefusedError('The server cannot be reached. Make the copy when this device is online.', null);
  }
  if (typeof body?.owner !== 'string' || typeof body.name !== 'string') {
    throw new CopyRefusedError('The server answered without naming the copy; it may be an older version.', null);
  }
  return { owner: body.owner, name: body.name };
}
