/**
 * The three ways out for a repository the server no longer takes (`serverLoss`, set by the sync
 * engine; the repository's page offers them):
 *
 * - `pushAgain`: create it on the server as a new repository — under the signed-in account,
 *   private unless the user says otherwise — and push this device's commits, branches, tags and
 *   the data it holds. Never done without the user asking (a delete made elsewhere stays done);
 * - `keepOnDeviceOnly`: stop syncing it; it becomes a repository of this device alone;
 * - removing the copy is device-copy.ts `removeDeviceCopy`, after the page's confirmation.
 */
import { CairnError } from '@cairn/core/errors';
import { AuthRequiredError } from '../git/errors.ts';
import { getDb } from '../storage/db.ts';
import { updateRepo } from '../storage/repo-handle.ts';
import { assertRepoName, repoId } from '../storage/repo-names.ts';
import { ApiError, apiFetch, defaultServer } from './api.ts';
import { getCredentials } from './credentials.ts';

export type PushAgainErrorCode = 'name_taken' | 'name_on_device' | 'shallow_copy' | 'push_failed' | 'not_found';

export class PushAgainError extends CairnError<PushAgainErrorCode> {
  constructor(code: PushAgainErrorCode, message: string) {
    super(code, message);
    this.name = 'PushAgainError';
  }
}

export interface PushAgainOptions {
  /** The new repository's name (under the signed-in account). */
  name: string;
  /** Private unless the user unticks it: the lost one may have been private. */
  private: boolean;
}

/**
 * Creates `<me>/<name>` on the server and syncs this device's copy of `id` into it (moving the
 * copy to that name first when it differs). Resolves with where it now is.
 */
export async function pushAgain(id: string, options: PushAgainOptions): Promise<{ owner: string; repo: string }> {
  const row = await getDb().repos.get(id);
  if (!row) throw new PushAgainError('not_found', `${id} is not on this device any more.`);
  assertRepoName(options.name);
  const server = row.server ?? defaultServer();
  const me = await getCredentials(server);
  if (!me) throw new AuthRequiredError(server);
  const wanted = { owner: me.username, repo: options.name };
  // Names compare without case, as the server's: the same name keeps this copy's own spelling.
  const moving = repoId(wanted.owner, wanted.repo).toLowerCase() !== id.toLowerCase();
  const target = moving ? wanted : { owner: row.owner, repo: row.repo };
  const targetId = repoId(target.owner, target.repo);
  if (moving && (await getDb().repos.get(targetId))) {
    throw new PushAgainError('name_on_device', `${targetId} is already on this device: pick another name.`);
  }
  const [{ openRepo }, sync] = await Promise.all([
    import('../storage/repo-handle.ts'),
    import('../git/remote-sync.ts'),
  ]);
  const before = await openRepo(row.owner, row.repo);
  if (before && (await sync.isShallow(before))) {
    throw new PushAgainError(
      'shallow_copy',
      'This copy holds only the latest commits (cloned "latest only"), and their history cannot be pushed without the older ones. Keep it on this device, or copy its files into a new repository.',
    );
  }

  await apiFetch(server, '/repos', {
    method: 'POST',
    body: JSON.stringify({ name: wanted.repo, private: options.private, description: '' }),
  }).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 409) {
      throw new PushAgainError('name_taken', `The server already has ${targetId}: pick another name.`);
    }
    throw error;
  });

  if (moving) {
    const { moveDeviceCopy } = await import('../device-storage/device-copy.ts');
    await moveDeviceCopy({ owner: row.owner, repo: row.repo }, target);
  }
  const handle = await openRepo(target.owner, target.repo);
  if (!handle) throw new PushAgainError('not_found', `${targetId} is not on this device any more.`);
  // The new repository is empty: every commit here is unpushed.
  await sync.forgetServerRefs(handle);
  await updateRepo(targetId, {
    server,
    serverLoss: null,
    onServerSince: Date.now(),
    syncState: 'pending',
    syncMessage: null,
    pending: true,
  });
  const { syncRepoAfterRunning } = await import('./engine.ts');
  await syncRepoAfterRunning(targetId);
  const after = await getDb().repos.get(targetId);
  if (after?.syncState !== 'up-to-date') {
    throw new PushAgainError(
      'push_failed',
      `${targetId} was created on the server, but the push did not finish: ${after?.syncMessage ?? 'it waits to sync'}. It is retried with the next sync.`,
    );
  }
  await sync.pushOtherBranchesAndTags(handle, server);
  return target;
}

/**
 * Stops syncing `id`: from now on it is a repository of this device only. Nothing is deleted.
 * Resolves with a function that undoes it (the repository is gone from the server again).
 */
export async function keepOnDeviceOnly(id: string): Promise<() => Promise<void>> {
  const before = await getDb().repos.get(id);
  await updateRepo(id, {
    server: null,
    serverLoss: null,
    onServerSince: null,
    syncState: 'local-only',
    syncMessage: null,
  });
  return async () => {
    if (!before || !(await getDb().repos.get(id))) return;
    const { server, serverLoss, onServerSince, syncState, syncMessage } = before;
    await updateRepo(id, { server, serverLoss, onServerSince, syncState, syncMessage });
  };
}
