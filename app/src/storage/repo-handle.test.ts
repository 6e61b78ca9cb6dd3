import { describe, expect, it } from 'vitest';
import { StorageFullError } from './errors.ts';
import { deleteLocalRepo, listLocalRepos, openRepo, registerRepo } from './repo-handle.ts';

/** Reads lightning-fs's saved directory tree straight from IndexedDB, as a reload would. */
function savedSuperblock(fsName: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(fsName);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(`${fsName}_files`, 'readonly');
      const get = tx.objectStore(`${fsName}_files`).get('!root');
      get.onsuccess = () => {
        db.close();
        resolve(get.result);
      };
      get.onerror = () => reject(get.error);
    };
  });
}

function treeHas(superblock: unknown, name: string): boolean {
  // The superblock is a Map of name → entry, nested; search it for the file name.
  const seen = new Set<unknown>();
  const walk = (node: unknown): boolean => {
    if (!(node instanceof Map) || seen.has(node)) return false;
    seen.add(node);
    for (const [key, value] of node) if (key === name || walk(value)) return true;
    return false;
  };
  return walk(superblock);
}

describe('repositories on this device', () => {
  it('registers, lists, opens and deletes a repository', async () => {
    expect(await openRepo('alice', 'one')).toBeNull();
    const handle = await registerRepo('alice', 'one', null);
    expect(handle.id).toBe('alice/one');
    expect((await listLocalRepos()).map((r) => r.id)).toContain('alice/one');
    await handle.pfs.writeFile('/hello.txt', 'hi', { encoding: 'utf8', mode: 0o666 });
    await handle.flush();
    const again = await openRepo('alice', 'one');
    expect(await again?.pfs.readFile('/hello.txt', { encoding: 'utf8' })).toBe('hi');
    await deleteLocalRepo('alice', 'one');
    expect(await openRepo('alice', 'one')).toBeNull();
    expect((await listLocalRepos()).map((r) => r.id)).not.toContain('alice/one');
  });

  it('refuses names that are paths', async () => {
    for (const bad of ['..', '.git', 'a/b', 'x.git', '', 'a'.repeat(101)]) {
      await expect(registerRepo('alice', bad, null)).rejects.toMatchObject({ code: 'invalid_repo_name' });
    }
  });

  it('a written file is in the saved directory tree only once flush() resolves', async () => {
    const handle = await registerRepo('alice', 'flushy', null);
    await handle.pfs.writeFile('/first.txt', 'one', { encoding: 'utf8', mode: 0o666 });
    await handle.flush();
    await handle.pfs.writeFile('/second.txt', 'two', { encoding: 'utf8', mode: 0o666 });
    // lightning-fs debounces the directory tree by 500 ms: a tab closed now would lose it.
    expect(treeHas(await savedSuperblock(handle.row.fsName), 'second.txt')).toBe(false);
    await handle.flush();
    const saved = await savedSuperblock(handle.row.fsName);
    expect(treeHas(saved, 'first.txt')).toBe(true);
    expect(treeHas(saved, 'second.txt')).toBe(true);
  });

  it('a full disk while registering gives StorageFullError and keeps the repositories already there', async () => {
    await registerRepo('alice', 'kept', null);
    const proto = IDBObjectStore.prototype;
    const realAdd = proto.add;
    proto.add = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    try {
      await expect(registerRepo('alice', 'new', null)).rejects.toBeInstanceOf(StorageFullError);
    } finally {
      proto.add = realAdd;
    }
    const ids = (await listLocalRepos()).map((r) => r.id);
    expect(ids).toContain('alice/kept');
    expect(ids).not.toContain('alice/new');
  });
});
