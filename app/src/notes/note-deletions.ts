/**
 * Deleting a note everywhere it lives: on the server (`DELETE /api/v1/repos/O/R/notes/DOC`,
 * which also refuses every later sync of it, so another device's copy cannot bring it back) and
 * on this device (its y-indexeddb database). Deleted offline, the server's part waits in a small
 * queue in localStorage that the notes outbox retries when the network is back.
 */
import { ServerUnreachableError } from '../git/errors.ts';
import { ApiError, apiFetch, defaultServer } from '../sync/api.ts';
import { clearPending } from './pending-notes.ts';

const QUEUE_KEY = 'cairn.notes.deletions';

/** The IndexedDB database y-indexeddb keeps a note in (note-session.ts names it). */
export const noteDatabaseName = (repo: string, doc: string) => `cairn-note:${repo}/${doc}`;

function queued(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(QUEUE_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function setQueued(keys: string[]): void {
  localStorage.setItem(QUEUE_KEY, JSON.stringify([...new Set(keys)]));
}

/** Notes deleted on this device whose deletion has not reached the server yet. */
export function queuedNoteDeletions(): string[] {
  return queued();
}

/** Asks the server to delete `repo`'s note `doc`: true when done (or already gone), false when unreachable. */
async function deleteOnServer(server: string, repo: string, doc: string): Promise<boolean> {
  try {
    await apiFetch(server, `/repos/${repo}/notes/${encodeURIComponent(doc)}`, { method: 'DELETE' });
    return true;
  } catch (e) {
    if (e instanceof ServerUnreachableError) return false;
    // Already deleted, or the repository is gone: nothing left to do. Anything else is for the caller.
    if (e instanceof ApiError && (e.status === 404 || e.status === 410)) return true;
    throw e;
  }
}

/**
 * Deletes the note from the server (or queues that, offline) and from this device.
 * 'queued' means the server still has it until this device is online again.
 */
export async function deleteNoteEverywhere(repo: string, doc: string): Promise<'deleted' | 'queued'> {
  const key = `${repo}/${doc}`;
  clearPending(key);
  const done = await deleteOnServer(defaultServer(), repo, doc);
  if (!done) setQueued([...queued(), key]);
  globalThis.indexedDB?.deleteDatabase(noteDatabaseName(repo, doc));
  return done ? 'deleted' : 'queued';
}

/** Sends deletions made offline; run by the notes outbox when online. */
export async function flushNoteDeletions(): Promise<void> {
  const server = defaultServer();
  for (const key of queued()) {
    const m = /^([^/]+\/[^/]+)\/([^/]+)$/.exec(key);
    let done = true;
    if (m) {
      try {
        done = await deleteOnServer(server, m[1] as string, m[2] as string);
      } catch {
        // Refused (rights changed): keep it queued; the Notes tab shows what is waiting.
        done = false;
      }
    }
    if (done) setQueued(queued().filter((k) => k !== key));
    else if (!navigator.onLine) return;
  }
}
