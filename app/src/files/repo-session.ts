/**
 * An open repository as the file and history views use it: the storage handle plus one read
 * context, kept per repository for the tab's life so its git reader's caches (parsed pack
 * indexes, resolved delta bases, trees and commits by id) survive navigation between views.
 */
import { loadGit } from '../git/load-git.ts';
import { makeReadContext, type ReadContext } from '../git/read-context.ts';
import { GitReadError } from '../git/read-errors.ts';
import { getRepoRow, type RepoHandle } from '../storage/repo-handle.ts';

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

/**
 * A session outlives commits and syncs: its caches are keyed by object id, refs are read afresh,
 * and an object not found re-lists the packs (a fetch wrote a new one). It is dropped only when
 * the repository it reads is no longer on this device under that name (deleted, or moved to
 * another name), so a later open does not read a file system that is gone.
 */
globalThis.addEventListener?.('cairn:repos-changed', () => {
  for (const [id, session] of sessions) {
    void session.then(
      async ({ handle }) => {
        const row = await getRepoRow(handle.row.owner, handle.row.repo);
        if (row?.fsName !== handle.row.fsName && sessions.get(id) === session) sessions.delete(id);
      },
      () => {},
    );
  }
});

/** A message a person can act on, for any failure of the read side. */
export function describeReadError(error: unknown): string {
  if (error instanceof GitReadError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
