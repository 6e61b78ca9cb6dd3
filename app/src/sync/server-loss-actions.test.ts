import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '../storage/db.ts';
import { registerRepo, updateRepo } from '../storage/repo-handle.ts';
import { setCredentials } from './credentials.ts';

// No git here: these cases end before anything is pushed, or never push.
vi.mock('../git/remote-sync.ts', () => ({
  isShallow: async () => false,
  forgetServerRefs: async () => {},
  pushOtherBranchesAndTags: async () => {},
}));

const { keepOnDeviceOnly, pushAgain } = await import('./server-loss-actions.ts');

const SERVER = 'http://127.0.0.1:9';
let posts: unknown[] = [];

beforeEach(async () => {
  posts = [];
  await getDb().repos.clear();
  await setCredentials(SERVER, { username: 'alice', token: 'secret-token-for-tests' });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: RequestInit = {}) => {
      posts.push(JSON.parse(String(init.body)));
      return new Response(JSON.stringify({ error: { code: 'name_taken', message: 'taken' } }), { status: 409 });
    }),
  );
});

async function gone(owner: string, name: string): Promise<string> {
  const handle = await registerRepo(owner, name, SERVER);
  await updateRepo(handle.id, {
    syncState: 'gone',
    onServerSince: 1,
    lastSyncedAt: 1,
    serverLoss: { kind: 'not-found', at: 2 },
  });
  return handle.id;
}

describe('the ways out for a repository gone from the server', () => {
  it('"Keep only on this device" stops syncing it and keeps the copy', async () => {
    const id = await gone('alice', 'keep-me');
    const undo = await keepOnDeviceOnly(id);
    const row = await getDb().repos.get(id);
    expect(row).toMatchObject({ server: null, syncState: 'local-only', serverLoss: null, onServerSince: null });
    expect(posts).toEqual([]);
    // Undo: gone from the server again, with its choices.
    await undo();
    expect(await getDb().repos.get(id)).toMatchObject({
      server: SERVER,
      syncState: 'gone',
      serverLoss: { kind: 'not-found', at: 2 },
      onServerSince: 1,
    });
  });

  it('"Push it again" asks the server for a private repository of that name, and says when the name is taken', async () => {
    const id = await gone('alice', 'taken');
    const error = await pushAgain(id, { name: 'taken', private: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'name_taken',
      message: 'The server already has alice/taken: pick another name.',
    });
    expect(posts).toEqual([{ name: 'taken', private: true, description: '' }]);
    // Nothing changed on this device: it is still gone, for the user to choose again.
    expect((await getDb().repos.get(id))?.serverLoss?.kind).toBe('not-found');
  });

  it('"Push it again" under a name another repository has on this device is refused before asking the server', async () => {
    const id = await gone('bob', 'shared');
    await registerRepo('alice', 'shared', SERVER);
    const error = await pushAgain(id, { name: 'shared', private: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'name_on_device' });
    expect(posts).toEqual([]);
  });

  it('"Push it again" refuses a name the server would refuse', async () => {
    const id = await gone('alice', 'fine');
    const error = await pushAgain(id, { name: '../etc', private: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_repo_name' });
    expect(posts).toEqual([]);
  });
});
