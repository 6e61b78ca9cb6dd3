import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb, makeDb } from '../storage/db.ts';
import { registerRepo, updateRepo } from '../storage/repo-handle.ts';
import { setCredentials } from './credentials.ts';

// The git and data transfers are the server's side of a sync: here a pull is answered as the
// server answers for a repository it does not have (isomorphic-git's HttpError, 404), and a push
// is recorded.
const remote = vi.hoisted(() => ({
  pullStatus: 404 as number | null,
  pushes: [] as string[],
}));
vi.mock('../git/remote-sync.ts', () => ({
  pullRepo: async () => {
    if (remote.pullStatus === null) return 'up-to-date';
    throw Object.assign(new Error(`HTTP Error: ${remote.pullStatus}`), {
      code: 'HttpError',
      data: { statusCode: remote.pullStatus },
    });
  },
  pushRepo: async (handle: { id: string }) => {
    remote.pushes.push(handle.id);
  },
  hasUnpushedCommits: async () => true,
  // The checked-out commit, which no pull here moves.
  headOid: async () => null,
}));
vi.mock('./data-push.ts', () => ({ pushData: async () => 0 }));

const { syncRepo, markPending } = await import('./engine.ts');
const { whenMissingOnServer, markOnServer, wasOnServer, waitsForUser } = await import('./server-presence.ts');

const SERVER = 'http://127.0.0.1:9';
let created: Array<{ name: string; private: boolean }> = [];

beforeEach(async () => {
  remote.pullStatus = 404;
  remote.pushes = [];
  created = [];
  await getDb().repos.clear();
  await setCredentials(SERVER, { username: 'alice', token: 'secret-token-for-tests' });
  // The server's JSON API: `POST /repos` creates a repository; everything else is not wanted here.
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      if (url === `${SERVER}/api/v1/repos` && init.method === 'POST') {
        created.push(JSON.parse(String(init.body)));
        return new Response(JSON.stringify({ owner: 'alice' }), { status: 201 });
      }
      return new Response('{}', { status: 500 });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

/** A repository cloned from the server (as clone.ts leaves it). */
async function cloned(name: string): Promise<string> {
  const handle = await registerRepo('alice', name, SERVER);
  await updateRepo(handle.id, { syncState: 'up-to-date', lastSyncedAt: 1000, onServerSince: 1000 });
  return handle.id;
}

/** A repository made on this device while offline, never synced (as init.ts leaves it). */
async function madeHere(name: string): Promise<string> {
  const handle = await registerRepo('alice', name, SERVER);
  await updateRepo(handle.id, { syncState: 'pending', pending: true });
  return handle.id;
}

describe('a sync that finds the repository missing on the server (404)', () => {
  it('creates nothing for a repository that was on the server, and marks it gone', async () => {
    const id = await cloned('deleted-elsewhere');
    await syncRepo(id);
    expect(created).toEqual([]);
    expect(remote.pushes).toEqual([]);
    const row = await getDb().repos.get(id);
    expect(row?.syncState).toBe('gone');
    expect(row?.serverLoss?.kind).toBe('not-found');
    expect(row?.syncMessage).toContain('no longer has alice/deleted-elsewhere');
    // The copy itself stays, still pointed at its server, for the user to decide.
    expect(row?.server).toBe(SERVER);
  });

  it('creates a repository made on this device and never synced, then pushes it (as before)', async () => {
    const id = await madeHere('born-offline');
    await syncRepo(id);
    expect(created).toEqual([{ name: 'born-offline', private: false }]);
    expect(remote.pushes).toEqual([id]);
    const row = await getDb().repos.get(id);
    expect(row?.syncState).toBe('up-to-date');
    // Once there, it counts as on the server: deleting it elsewhere is not undone later.
    expect(row?.onServerSince).toEqual(expect.any(Number));
    remote.pullStatus = 404;
    await syncRepo(id);
    expect(created).toHaveLength(1);
    expect((await getDb().repos.get(id))?.syncState).toBe('gone');
  });

  it('a repository synced once counts as on the server, even if it was made here', async () => {
    const id = await madeHere('synced-once');
    remote.pullStatus = null;
    await syncRepo(id);
    expect(created).toEqual([]);
    expect((await getDb().repos.get(id))?.onServerSince).toEqual(expect.any(Number));
    remote.pullStatus = 404;
    await syncRepo(id);
    expect(created).toEqual([]);
    expect((await getDb().repos.get(id))?.syncState).toBe('gone');
  });

  it('does not create a repository made here for another account than the signed-in one', async () => {
    const handle = await registerRepo('bob', 'his-own', SERVER);
    await updateRepo(handle.id, { syncState: 'pending', pending: true });
    await syncRepo(handle.id);
    expect(created).toEqual([]);
    const row = await getDb().repos.get(handle.id);
    expect(row?.syncState).toBe('needs-attention');
    expect(row?.syncMessage).toContain('sign in as bob');
  });

  it('creates nothing for a copy detached from the server (being deleted) while the sync ran', async () => {
    const id = await madeHere('detached');
    let calls = 0;
    await updateRepo(id, { server: null });
    expect(await whenMissingOnServer(id, async () => void calls++)).toBe('detached');
    expect(calls).toBe(0);
  });

  it('a gone repository is left out of background syncs, and a sync that reaches it again clears the loss', async () => {
    const id = await cloned('access-back');
    await syncRepo(id);
    expect((await getDb().repos.get(id))?.syncState).toBe('gone');
    expect(waitsForUser((await getDb().repos.get(id)) ?? {})).toBe(true); // requestSync() skips it
    remote.pullStatus = null;
    await syncRepo(id); // "Sync now" on it: the server answers again (access given back)
    const row = await getDb().repos.get(id);
    expect(row?.syncState).toBe('up-to-date');
    expect(row?.serverLoss).toBeNull();
    expect(remote.pushes).toEqual([id]);
  });

  it('work committed to a gone repository stays waiting on this device and starts no sync', async () => {
    const id = await cloned('gone-then-edited');
    await syncRepo(id);
    remote.pullStatus = null;
    await markPending(id);
    const row = await getDb().repos.get(id);
    expect(row).toMatchObject({ syncState: 'gone', pending: true });
    expect(remote.pushes).toEqual([]);
  });

  it('a push refused with 403 marks the copy as no longer writable, not "sign in"', async () => {
    const id = await cloned('read-only-now');
    remote.pullStatus = null;
    const sync = await import('../git/remote-sync.ts');
    const push = vi
      .spyOn(sync, 'pushRepo')
      .mockRejectedValueOnce(new (await import('../git/errors.ts')).WriteRefusedError(SERVER));
    await syncRepo(id);
    push.mockRestore();
    const row = await getDb().repos.get(id);
    expect(row?.serverLoss?.kind).toBe('no-write');
    expect(row?.syncState).toBe('needs-attention');
    expect(row?.syncMessage).toContain('no longer takes pushes');
  });
});

describe('onServerSince', () => {
  it('is kept from the first time the server answered', async () => {
    const id = await madeHere('first-answer');
    expect(wasOnServer((await getDb().repos.get(id)) ?? {})).toBe(false);
    await markOnServer(id, 5);
    await markOnServer(id, 9);
    expect((await getDb().repos.get(id))?.onServerSince).toBe(5);
  });

  it('is set by the upgrade for rows that were cloned or synced (they have lastSyncedAt), not for others', async () => {
    const name = 'cairn-upgrade-test';
    const old = new Dexie(name);
    old.version(1).stores({ blobs: 'oid, key', chunks: '[key+index], key, writtenAt', repos: 'id', settings: 'key' });
    old.version(2).stores({ objects: 'id, key' });
    const base = { server: SERVER, createdAt: 1, syncMessage: null, pending: false, fsName: 'x' };
    await old.table('repos').bulkAdd([
      { ...base, id: 'alice/cloned', owner: 'alice', repo: 'cloned', syncState: 'up-to-date', lastSyncedAt: 1234 },
      { ...base, id: 'alice/offline', owner: 'alice', repo: 'offline', syncState: 'pending', lastSyncedAt: null },
      {
        ...base,
        id: 'local/mine',
        owner: 'local',
        repo: 'mine',
        server: null,
        syncState: 'local-only',
        lastSyncedAt: null,
      },
    ]);
    old.close();
    const db = makeDb(name);
    const rows = Object.fromEntries((await db.repos.toArray()).map((r) => [r.id, r]));
    expect(rows['alice/cloned']?.onServerSince).toBe(1234);
    expect(rows['alice/offline']?.onServerSince).toBeNull();
    expect(rows['local/mine']?.onServerSince).toBeNull();
    expect(rows['alice/cloned']?.serverLoss).toBeNull();
    db.close();
  });
});
