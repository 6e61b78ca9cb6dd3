/**
 * A view's read that names a revision this device does not have: online, the server's refs
 * are fetched once and the read tried again; offline (or the server unreachable) the failure
 * says the revision is not on this device yet — not that it does not exist.
 */
import { ServerUnreachableError } from '../git/errors.ts';
import { GitReadError } from '../git/read-errors.ts';
import type { RepoSession } from './repo-session.ts';

function notOnDevice(ref: string): GitReadError {
  return new GitReadError(
    'not_on_device',
    `“${ref}” is not on this device yet. Connect to the internet and reload: it is fetched from the server then.`,
    { ref },
  );
}

export async function readOrFetch<T>(session: RepoSession, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof GitReadError) || error.code !== 'ref_not_found') throw error;
    const server = session.handle.row.server;
    if (!server) throw error; // a repository of this device only: nothing to fetch
    const ref = error.data.ref ?? '';
    if (globalThis.navigator?.onLine === false) throw notOnDevice(ref);
    try {
      const { fetchServerRefs } = await import('../git/remote-sync.ts');
      await fetchServerRefs(session.handle, server);
    } catch (fetchError) {
      if (fetchError instanceof ServerUnreachableError) throw notOnDevice(ref);
      throw fetchError;
    }
    try {
      return await read();
    } catch (again) {
      if (again instanceof GitReadError && again.code === 'ref_not_found') {
        throw new GitReadError(
          'ref_not_found',
          `No branch, tag or commit is called “${ref}”, on this device or on the server.`,
          again.data,
        );
      }
      throw again;
    }
  }
}
