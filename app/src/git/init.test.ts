import { describe, expect, it } from 'vitest';
import { openRepo } from '../storage/repo-handle.ts';
import { commitChanges, readWorkFile } from './commit.ts';
import { createLocalRepo } from './init.ts';
import { loadGit } from './load-git.ts';

describe('creating and committing on this device', () => {
  it('creates a repository with DVC config in its first commit, then commits more', async () => {
    const handle = await createLocalRepo('me', 'fresh', 'http://127.0.0.1:9');
    const { git } = await loadGit();
    const first = await git.log({ fs: handle.fs, dir: handle.dir });
    expect(first.map((c) => c.commit.message.trim())).toEqual(['Initial commit']);
    const files = await git.listFiles({ fs: handle.fs, dir: handle.dir });
    expect(files.sort()).toEqual(['.dvc/.gitignore', '.dvc/config', '.dvcignore', 'README.md']);
    expect(await readWorkFile(handle, '.dvc/config')).toContain('url = http://127.0.0.1:9/me/fresh.dvc');
    expect((await openRepo('me', 'fresh'))?.row.pending).toBe(true);

    const sha = await commitChanges(handle, { write: { 'data/x.dvc': 'outs: []\n' }, message: 'Add x' });
    const log = await git.log({ fs: handle.fs, dir: handle.dir });
    expect(log[0]?.oid).toBe(sha);
    expect(await git.listFiles({ fs: handle.fs, dir: handle.dir })).toContain('data/x.dvc');
    const remotes = await git.listRemotes({ fs: handle.fs, dir: handle.dir });
    expect(remotes).toEqual([{ remote: 'origin', url: 'http://127.0.0.1:9/me/fresh.git' }]);
  });
});
