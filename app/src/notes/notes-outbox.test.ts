import { describe, expect, it, vi } from 'vitest';
import { getDb } from '../storage/db.ts';
import { registerRepo, updateRepo } from '../storage/repo-handle.ts';

// The server's side of a note sync: a session records which note it was opened for.
const opened = vi.hoisted(() => [] as string[]);
vi.mock('./note-session.ts', () => ({
  makeNoteSession: ({ repo, doc }: { repo: string; doc: string }) => {
    opened.push(`${repo}/${doc}`);
    return { whenSynced: async () => {}, destroy: () => {} };
  },
}));
vi.mock('./note-access.ts', () => ({ makeNoteAccess: async () => ({ token: 'token', canWrite: true }) }));
vi.mock('./note-deletions.ts', () => ({ flushNoteDeletions: async () => {} }));

describe('the notes outbox', () => {
  it('does not send notes of a copy kept on this device only, or gone from the server', async () => {
    const stored = new Map<string, string>();
    vi.stubGlobal('localStorage', {
      getItem: (k: string) => stored.get(k) ?? null,
      setItem: (k: string, v: string) => stored.set(k, v),
    });
    vi.stubGlobal('navigator', { onLine: true });
    vi.stubGlobal('addEventListener', () => {});
    const server = 'http://127.0.0.1:9';
    await getDb().repos.clear();
    await registerRepo('alice', 'kept', null);
    const gone = await registerRepo('alice', 'gone', server);
    await updateRepo(gone.id, { syncState: 'gone', serverLoss: { kind: 'not-found', at: 1 } });
    await registerRepo('alice', 'live', server);
    const { markPending } = await import('./pending-notes.ts');
    for (const key of ['alice/kept/notes', 'alice/gone/notes', 'alice/live/notes', 'alice/browsed/notes']) {
      markPending(key);
    }
    const { startNotesOutbox } = await import('./notes-outbox.ts');
    startNotesOutbox();
    // The last key sent means the round is over; a repository not on this device is sent as before.
    await vi.waitFor(() => expect(opened).toContain('alice/browsed/notes'), { timeout: 5_000 });
    expect(opened).toEqual(['alice/live/notes', 'alice/browsed/notes']);
    vi.unstubAllGlobals();
  });
});
