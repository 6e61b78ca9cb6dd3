import { describe, expect, it } from 'vitest';
import { commitChanges } from '../git/commit.ts';
import { createLocalRepo } from '../git/init.ts';
import { loadGit } from '../git/load-git.ts';
import { getBlobStore, objectId } from '../storage/blobs.ts';
import { getRepoRow, openRepo, updateRepo } from '../storage/repo-handle.ts';
import { losesWork, moveDeviceCopy, removeDeviceCopy, unsyncedWork } from './device-copy.ts';
import { scanRepo } from './device-scan.ts';
import { repoDataObjects } from './repo-data-objects.ts';
import { lossWords } from './unsynced-words.ts';

const enc = new TextEncoder();
const hex = (n: number) => `ab${n.toString(16).padStart(30, '0')}`;
const pointer = (md5: string, path: string) => `outs:\n- md5: ${md5}\n  size: 3\n  hash: md5\n  path: ${path}\n`;

describe("a repository's copy on this device", () => {
  it('lists the data its commit uses with paths: .dvc outs, dvc.lock outs and folder files', async () => {
    const handle = await createLocalRepo('me', 'paths', null);
    const manifest = JSON.stringify([{ md5: hex(3), relpath: 'cat.png' }]);
    await getBlobStore().put(objectId('md5', `${hex(2)}.dir`), enc.encode(manifest));
    await commitChanges(handle, {
      write: {
        'data/raw.csv.dvc': pointer(hex(1), 'raw.csv'),
        'data/images.dvc': pointer(`${hex(2)}.dir`, 'images'),
        'dvc.lock': `schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    outs:\n    - path: models/model.pkl\n      md5: ${hex(4)}\n      size: 3\n      hash: md5\n`,
      },
      message: 'Track data',
    });
    const found = await repoDataObjects(handle, getBlobStore());
    const paths = Object.fromEntries([...found].map(([id, o]) => [id, o.paths]));
    expect(paths).toEqual({
      [objectId('md5', hex(1))]: ['data/raw.csv'],
      [objectId('md5', `${hex(2)}.dir`)]: ['data/images'],
      [objectId('md5', hex(3))]: ['data/images/cat.png'],
      [objectId('md5', hex(4))]: ['models/model.pkl'],
    });
  });

  it('removal takes the data only it uses and keeps what another repository uses', async () => {
    const a = await createLocalRepo('me', 'remove-a', null);
    const b = await createLocalRepo('me', 'remove-b', null);
    const mine = objectId('md5', hex(10));
    const shared = objectId('md5', hex(11));
    await getBlobStore().put(mine, enc.encode('abc'));
    await getBlobStore().put(shared, enc.encode('def'));
    await commitChanges(a, {
      write: { 'mine.csv.dvc': pointer(hex(10), 'mine.csv'), 'shared.csv.dvc': pointer(hex(11), 'shared.csv') },
      message: 'a',
    });
    await commitChanges(b, { write: { 'shared.csv.dvc': pointer(hex(11), 'shared.csv') }, message: 'b' });

    // With no server, all of it exists only here, and the confirmation says so.
    const work = await unsyncedWork((await getRepoRow('me', 'remove-a'))!);
    expect(work.localOnly).toBe(true);
    expect(lossWords(work)[0]).toContain('exist only on this device');
    const measured = await scanRepo((await getRepoRow('me', 'remove-a'))!);
    expect(measured.data.bytes).toBe(6);
    expect(measured.gitBytes).toBeGreaterThan(0);

    await removeDeviceCopy('me', 'remove-a');
    expect(await openRepo('me', 'remove-a')).toBeNull();
    expect(await getBlobStore().has(mine)).toBe(false);
    expect(await getBlobStore().has(shared)).toBe(true);
    expect(await openRepo('me', 'remove-b')).not.toBeNull();
  });

  it('a copy gone from the server is never said to be "all on the server": it may be the last one', async () => {
    const handle = await createLocalRepo('me', 'gone-copy', 'http://127.0.0.1:9');
    // Everything was pushed before the server lost it: its branch equals the server's as last fetched.
    const { git } = await loadGit();
    const head = await git.resolveRef({ fs: handle.fs, dir: handle.dir, ref: 'HEAD' });
    await git.writeRef({ fs: handle.fs, dir: handle.dir, ref: 'refs/remotes/origin/main', value: head });
    await updateRepo(handle.id, { syncState: 'gone', serverLoss: { kind: 'not-found', at: 1 }, onServerSince: 1 });
    const work = await unsyncedWork((await getRepoRow('me', 'gone-copy'))!);
    expect(work.unpushedCommits).toBe(false);
    expect(losesWork(work)).toBe(true);
    expect(lossWords(work)[0]).toBe(
      'The server no longer has it: this copy of its commits, data and notes may be the only one left.',
    );
  });

  it('follows a rename: the same files open under the new name, the old name is gone', async () => {
    const handle = await createLocalRepo('me', 'old-name', 'http://127.0.0.1:9');
    await commitChanges(handle, { write: { 'notes.md': 'kept\n' }, message: 'x' });
    await moveDeviceCopy({ owner: 'me', repo: 'old-name' }, { owner: 'team', repo: 'new-name' });
    expect(await openRepo('me', 'old-name')).toBeNull();
    const moved = await openRepo('team', 'new-name');
    expect(moved?.row).toMatchObject({ id: 'team/new-name', owner: 'team', repo: 'new-name', pending: true });
    expect(await moved?.pfs.readFile('/notes.md', { encoding: 'utf8' })).toBe('kept\n');
  });

  it('never moves over a repository already here under the new name', async () => {
    await createLocalRepo('me', 'first', null);
    await createLocalRepo('me', 'second', null);
    await moveDeviceCopy({ owner: 'me', repo: 'first' }, { owner: 'me', repo: 'second' });
    expect((await openRepo('me', 'first'))?.row.fsName).toBe('cairn-repo:me/first');
    expect((await openRepo('me', 'second'))?.row.fsName).toBe('cairn-repo:me/second');
  });
});
