/**
 * Whether a repository on this device is on the server, and what a sync does when the server
 * says it is not. The rule that keeps a delete made elsewhere from being undone:
 *
 * - a repository made on this device and never synced does not exist on the server yet: a 404
 *   means "create it" (the first sync of a repository made offline);
 * - a repository that was on the server (cloned from it, or synced with it once) and now gets a
 *   404 was deleted there, renamed, or is no longer shared with this user: nothing is created;
 *   the row is marked gone and the repository's page asks the user what to do.
 */
import { getDb, type RepoRow, type ServerLoss } from '../storage/db.ts';
import { updateRepo } from '../storage/repo-handle.ts';

/** True when the row was cloned from the server or synced with it at least once. */
export function wasOnServer(row: Pick<RepoRow, 'onServerSince'>): boolean {
  return row.onServerSince != null;
}

export type MissingOutcome =
  /** It was never on the server: it was created there, the sync goes on. */
  | 'created'
  /** It was on the server: marked gone, nothing created. */
  | 'gone'
  /** Detached from the server (being deleted, or kept on this device only) while the sync ran. */
  | 'detached';

/**
 * What a sync does when the server answers 404 for repository `id`. `create` makes it on the
 * server; it is called only for a repository that never was there. Reads the row afresh: a
 * delete on this device detaches it (`detachFromServer`) while a sync may be running.
 */
export async function whenMissingOnServer(id: string, create: () => Promise<void>): Promise<MissingOutcome> {
  const row = await getDb().repos.get(id);
  if (!row?.server) return 'detached';
  if (wasOnServer(row)) {
    await markServerLoss(id, 'not-found');
    return 'gone';
  }
  await create();
  return 'created';
}

/**
 * Records that the server stopped taking this copy. A `not-found` loss stops background syncs
 * of it (sync/engine.ts) until the user chooses; `no-write` still pulls.
 */
export async function markServerLoss(id: string, kind: ServerLoss['kind']): Promise<void> {
  const row = await getDb().repos.get(id);
  if (!row) return;
  const serverLoss: ServerLoss = row.serverLoss?.kind === kind ? row.serverLoss : { kind, at: Date.now() };
  await updateRepo(id, {
    serverLoss,
    syncState: kind === 'not-found' ? 'gone' : 'needs-attention',
    syncMessage:
      kind === 'not-found'
        ? `The server no longer has ${id}: deleted, renamed, or no longer shared with you.`
        : `The server no longer takes pushes to ${id}: you may read it but not write to it.`,
  });
}

/**
 * The server answered for the repository (a pull reached it, or it was just created there): it
 * is on the server from now on. A loss is cleared by a whole sync that succeeds, not here: a
 * copy that may be read but not written still pulls.
 */
export async function markOnServer(id: string, now = Date.now()): Promise<void> {
  const row = await getDb().repos.get(id);
  if (!row || row.onServerSince != null) return;
  await updateRepo(id, { onServerSince: now });
}

/** True for a repository the background sync leaves alone until the user chooses what to do. */
export function waitsForUser(row: Pick<RepoRow, 'serverLoss'>): boolean {
  return row.serverLoss?.kind === 'not-found';
}
