/**
 * Notes edited on this device while offline are sent once the network is back, even if no page
 * has them open: each note waiting to sync is opened from IndexedDB, synced with the server and
 * closed again. Started by the top bar after first paint.
 */
import { getDb } from '../storage/db.ts';
import { defaultServer } from '../sync/api.ts';
import { waitsForUser } from '../sync/server-presence.ts';
import { makeNoteAccess } from './note-access.ts';
import { flushNoteDeletions } from './note-deletions.ts';
import { makeNoteSession } from './note-session.ts';
import { pendingNotes } from './pending-notes.ts';

const SYNC_TIMEOUT_MS = 20_000;
let running = false;

async function flush(): Promise<void> {
  if (running || !navigator.onLine) return;
  running = true;
  try {
    await flushNoteDeletions();
    const server = defaultServer();
    for (const key of pendingNotes()) {
      const m = /^([^/]+\/[^/]+)\/([^/]+)$/.exec(key);
      if (!m) continue;
      const [, repo, doc] = m as unknown as [string, string, string];
      // A copy kept on this device only, or gone from the server, keeps its notes here: sent
      // now they would land in whatever repository holds that name on the server next.
      const row = await getDb().repos.get(repo);
      if (row && (!row.server || waitsForUser(row))) continue;
      const access = await makeNoteAccess(server, repo);
      if (!access.token || !access.canWrite) continue;
      const session = makeNoteSession({ server, repo, doc, token: access.token, user: null });
      await Promise.race([session.whenSynced(), new Promise((r) => setTimeout(r, SYNC_TIMEOUT_MS))]);
      session.destroy();
    }
  } finally {
    running = false;
  }
}

export function startNotesOutbox(): void {
  void flush();
  globalThis.addEventListener('online', () => void flush());
}
