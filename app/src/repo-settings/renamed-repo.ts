/**
 * Following a repository's rename in the app. The server redirects an old name's URLs (308 for
 * the API), but the app's pages are served by its service worker, which never asks the server
 * about a page — so a page of an old name asks the API what the repository is called now
 * (`fetch` follows the redirect, with the session token, and the answer carries the new name),
 * and moves to the same page under that name instead of cloning a second copy.
 */
import { CairnError } from '@cairn/core/errors';
import { apiFetch, defaultServer } from '../sync/api.ts';

export interface RepoName {
  owner: string;
  name: string;
}

/** A repository asked for by an old name: it is now `to`. */
export class RepoMovedError extends CairnError<'repo_moved', { from: string; to: string }> {
  constructor(
    from: RepoName,
    readonly to: RepoName,
  ) {
    super('repo_moved', `${from.owner}/${from.name} is now ${to.owner}/${to.name}.`, {
      from: `${from.owner}/${from.name}`,
      to: `${to.owner}/${to.name}`,
    });
    this.name = 'RepoMovedError';
  }
}

/** The repository's name now, or null when the server cannot say (offline, no access, none). */
export async function currentName(owner: string, repo: string, server = defaultServer()): Promise<RepoName | null> {
  if (globalThis.navigator?.onLine === false) return null;
  try {
    const body = await apiFetch<{ owner?: unknown; name?: unknown }>(
      server,
      `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`,
    );
    return typeof body?.owner === 'string' && typeof body.name === 'string'
      ? { owner: body.owner, name: body.name }
      : null;
  } catch {
    return null;
  }
}

/** `now` when it is another repository name than `owner/repo` (names compare without case, as the server's). */
export function movedTo(owner: string, repo: string, now: RepoName | null): RepoName | null {
  if (!now) return null;
  const same = now.owner.toLowerCase() === owner.toLowerCase() && now.name.toLowerCase() === repo.toLowerCase();
  return same ? null : now;
}

/** `/old/name/commits/main` → `/new/name/commits/main`: the same page under the new name. */
export function pathUnder(pathname: string, to: RepoName): string {
  const rest = pathname.split('/').slice(3).join('/');
  return `/${encodeURIComponent(to.owner)}/${encodeURIComponent(to.name)}${rest ? `/${rest}` : ''}`;
}
