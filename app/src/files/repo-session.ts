/**
 * An open repository as the file and history views use it: the storage handle plus one read
 * context, kept per repository for the tab's life so its git reader's caches (parsed pack
 * indexes, resolved delta bases, trees and commits by id) survive navigation between views.
 */
import { loadGit } from '../git/load-git.ts';
import { makeReadContext, type ReadContext } from '../git/read-context.ts';
import { GitReadError } from '../git/read-errors.ts';
import type { RepoHandle } from '../storage/repo-handle.ts';

export interface RepoSession {
  handle: RepoHandle;
  ctx: ReadContext;
}

const sessions = new Map<string, Promise<RepoSession>>();

/**
 * The repository `owner/repo`: from this device, or cloned from the server on the first visit
 * (`onClone` reports that progress). Throws when it is neither here nor reachable.
 */
export function openRepoSession(
  owner: string,
  repo: string,
  onClone?: (progress: { phase: string; loaded: number; total?: number }) => void,
): Promise<RepoSession> {
  const id = `${owner}/${repo}`;
  let session = sessions.get(id);
  if (!session) {
    session = (async () => {
      await loadGit(); // installs the Buffer polyfill isomorphic-git needs in the browser
      const { ensureRepo } = await import('../repos/actions.ts');
      const handle = await ensureRepo(owner, repo, onClone);
      return { handle, ctx: makeReadContext(handle.fs, handle.dir) };
    })();
    sessions.set(id, session);
    // A failed open (offline first visit, no such repository) may succeed later: forget it.
    session.catch(() => sessions.delete(id));
  }
  return session;
}

/** Forgets cached state after the repository changed on this device (commit, pull). */
export function refreshRepoSession(owner: string, repo: string): void {
  sessions.delete(`${owner}/${repo}`);
}

globalThis.addEventListener?.('cairn:repos-changed', (event) => {
  const id = (event as CustomEvent<string>).detail;
  if (typeof id === 'string') sessions.delete(id);
});

/** A message a person can act on, for any failure of the read side. */
export function describeReadError(error: unknown): string {
  if (error instanceof GitReadError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
