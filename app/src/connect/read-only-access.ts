/**
 * Whether this user cannot push to a server repository: signed out, or signed in with read
 * access only. null when they can write, when the repository lives only on this device, or when
 * the server cannot be asked now (the sync will say).
 */
import { fetchServerRepo } from '../repos/server-repo.ts';
import { getCredentials } from '../sync/credentials.ts';

export type ReadOnlyAccess = { signedIn: false } | { signedIn: true; username: string };

export async function readOnlyAccess(
  server: string | null,
  owner: string,
  repo: string,
): Promise<ReadOnlyAccess | null> {
  if (!server) return null;
  const [info, account] = await Promise.all([fetchServerRepo(owner, repo, server), getCredentials(server)]);
  if (!account) return { signedIn: false };
  if (info && info.permission === 'read') return { signedIn: true, username: account.username };
  return null;
}
