import { describe, expect, it } from 'vitest';
import { MemoryGit } from '../git/memory-git.test-support.ts';
import { stageHistoryCache, stageLastChange } from './stage-last-change.ts';

const yaml = (prepCmd: string, trainCmd: string) => `stages:
  prepare:
    cmd: ${prepCmd}
    outs: [data]
  train:
    cmd: ${trainCmd}
    deps: [data]
`;
const lock = (trainMd5: string) => `schema: '2.0'
stages:
  train:
    cmd: python train.py
    deps:
    - path: data
      hash: md5
      md5: ${trainMd5}
      size: 4
`;

/** A first-parent history, oldest first; returns the commit ids in that order. */
function history(git: MemoryGit, versions: Record<string, string>[]): string[] {
  const ids: string[] = [];
  for (const [i, files] of versions.entries()) ids.push(git.commit(files, ids.length ? [ids.at(-1)!] : [], `c${i}`));
  return ids;
}

describe('the commit that last changed a stage', () => {
  it('finds the newest first-parent commit that changed the stage, past commits that changed other things', async () => {
    const git = new MemoryGit();
    const base = { 'dvc.yaml': yaml('python prep.py', 'python train.py'), 'README.md': 'hi' };
    const ids = history(git, [
      base, // c0: both stages added
      { ...base, 'dvc.lock': lock('a'.repeat(32)) }, // c1: train locked
      { ...base, 'dvc.lock': lock('a'.repeat(32)), 'README.md': 'hello' }, // c2: neither
      { ...base, 'dvc.yaml': `# pipeline\n${base['dvc.yaml']}`, 'dvc.lock': lock('a'.repeat(32)) }, // c3: a comment
      {
        ...base,
        'dvc.yaml': `# pipeline\n${yaml('python prep.py --all', 'python train.py')}`,
        'dvc.lock': lock('a'.repeat(32)),
      }, // c4: prepare
    ]);
    const head = ids.at(-1)!;
    const cache = stageHistoryCache();
    const prepare = await stageLastChange(git, { head, file: 'dvc.yaml', local: 'prepare' }, cache);
    expect(prepare).toMatchObject({ state: 'found', commit: { oid: ids[4], message: 'c4' }, changes: ['definition'] });
    const train = await stageLastChange(git, { head, file: 'dvc.yaml', local: 'train' }, cache);
    expect(train).toMatchObject({ state: 'found', commit: { oid: ids[1] }, changes: ['lock'] });
    // From an older commit the answer is as of that commit.
    const fromC0 = await stageLastChange(git, { head: ids[0]!, file: 'dvc.yaml', local: 'prepare' }, cache);
    expect(fromC0).toMatchObject({ state: 'found', commit: { oid: ids[0] }, changes: ['definition'] });
  });

  it('reads dvc.yaml/dvc.lock only where their blob ids changed, and answers again from the cache', async () => {
    const git = new MemoryGit();
    const files = { 'dvc.yaml': yaml('p', 't'), 'dvc.lock': lock('b'.repeat(32)) };
    const ids = history(git, [files, ...Array.from({ length: 30 }, (_, i) => ({ ...files, [`notes/${i}.md`]: 'x' }))]);
    const cache = stageHistoryCache();
    const first = await stageLastChange(git, { head: ids.at(-1)!, file: 'dvc.yaml', local: 'train' }, cache);
    expect(first).toMatchObject({ state: 'found', commit: { oid: ids[0] } });
    expect(git.reads.blobs).toBe(2); // the two files of the root commit, once
    const reads = { ...git.reads };
    // Another stage of the same file, from the same head: the walk's answers were kept.
    const other = await stageLastChange(git, { head: ids.at(-1)!, file: 'dvc.yaml', local: 'prepare' }, cache);
    expect(other).toMatchObject({ state: 'found', commit: { oid: ids[0] } });
    expect(git.reads).toEqual(reads);
  });

  it('stops at the limit and says so', async () => {
    const git = new MemoryGit();
    const files = { 'sub/dvc.yaml': yaml('p', 't') };
    const ids = history(git, [files, ...Array.from({ length: 12 }, (_, i) => ({ ...files, n: String(i) }))]);
    const r = await stageLastChange(git, { head: ids.at(-1)!, file: 'sub/dvc.yaml', local: 'prepare', limit: 5 });
    expect(r).toEqual({ state: 'beyond-limit', scanned: 5 });
    const all = await stageLastChange(git, { head: ids.at(-1)!, file: 'sub/dvc.yaml', local: 'prepare', limit: 13 });
    expect(all).toMatchObject({ state: 'found', commit: { oid: ids[0] } });
  });

  it('says where history ends (a shallow clone) and when no version has the stage', async () => {
    const git = new MemoryGit();
    const files = { 'dvc.yaml': yaml('p', 't') };
    const root = git.commit(files, [], 'root');
    const cut = git.commit({ ...files, a: '1' }, ['f'.repeat(40)], 'after the shallow boundary');
    const head = git.commit({ ...files, a: '2' }, [cut], 'head');
    expect(await stageLastChange(git, { head, file: 'dvc.yaml', local: 'train' })).toEqual({
      state: 'history-ends',
      scanned: 2,
    });
    expect(await stageLastChange(git, { head: root, file: 'dvc.yaml', local: 'nope' })).toEqual({
      state: 'absent',
      scanned: 1,
    });
  });

  it('treats a dvc.yaml that does not parse as absent: the commit that fixes it changed every stage', async () => {
    const git = new MemoryGit();
    const good = { 'dvc.yaml': yaml('p', 't') };
    const ids = history(git, [good, { 'dvc.yaml': 'stages: [' }, good]);
    const r = await stageLastChange(git, { head: ids[2]!, file: 'dvc.yaml', local: 'train' });
    expect(r).toMatchObject({ state: 'found', commit: { oid: ids[2] }, changes: ['definition'] });
  });
});
