import { describe, expect, it } from 'vitest';

// The app's modules talk through events on the window; Node's globalThis is no EventTarget, so
// give it one before they load (they register their listeners at import).
const events = new EventTarget();
Object.assign(globalThis, {
  addEventListener: events.addEventListener.bind(events),
  removeEventListener: events.removeEventListener.bind(events),
  dispatchEvent: events.dispatchEvent.bind(events),
});
const { deleteLocalRepo, registerRepo, updateRepo } = await import('../storage/repo-handle.ts');
const { openRepoSession } = await import('./repo-session.ts');

/** Lets the session cache's check of the repository (an IndexedDB read) finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('a repository read session', () => {
  it('outlives sync state changes, and is dropped once the repository is deleted', async () => {
    await registerRepo('alice', 'kept', null);
    const first = await openRepoSession('alice', 'kept');
    // A sync reports its state several times: the parsed packs and trees must stay cached.
    await updateRepo('alice/kept', { syncState: 'syncing' });
    await updateRepo('alice/kept', { syncState: 'up-to-date', lastSyncedAt: Date.now() });
    await settle();
    expect(await openRepoSession('alice', 'kept')).toBe(first);

    await deleteLocalRepo('alice', 'kept');
    await settle();
    await registerRepo('alice', 'kept', null);
    const again = await openRepoSession('alice', 'kept');
    expect(again).not.toBe(first);
    expect(again.handle.row.createdAt).toBeGreaterThanOrEqual(first.handle.row.createdAt);
  });
});
