/**
 * The experiments database (fake-indexeddb): the git-experiment scanner's cache — a reload (a
 * new connection and a new scanner) reads no commit again, and after a new commit reads only
 * that one — and saving scanned runs, which writes only what changed.
 */
import { GitExperimentScanner } from '@cairn/core/experiments';
import { MemoryGit } from '@cairn/core/testing';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { gitScanCache, makeExperimentsDb, savedGitExperiment, saveGitExperiments } from './run-store.ts';

const csv = (loss: number) => `Name,Value,Timestamp,Step\n"loss",${loss},1700000000000,1\r\n`;

function history(n: number) {
  const git = new MemoryGit();
  let parent: string[] = [];
  let head = '';
  const files = (i: number) => ({ 'params.yml': `lr: ${i}\n`, 'metrics.csv': csv(1 / (i + 1)), 'src/a.py': 'x\n' });
  for (let i = 0; i < n; i++) {
    head = git.commit(files(i), parent, `run ${i}`);
    parent = [head];
  }
  git.setRef('refs/heads/main', head);
  return { git, head, files };
}

describe('git scan cache in the experiments database', () => {
  it('a reload scans nothing old; a new commit is the only one read', async () => {
    const name = `exp-cache-${Math.random()}`;
    const { git, head, files } = history(20);
    let db = makeExperimentsDb(name);
    const first = await new GitExperimentScanner(git, { cache: gitScanCache(db, 'ada/demo') }).scan();
    expect(first).toHaveLength(20);
    expect(await db.gitScans.where('repo').equals('ada/demo').count()).toBe(20);
    db.close();

    // A reload: a new connection, a new scanner.
    db = makeExperimentsDb(name);
    const before = { ...git.reads };
    const again = await new GitExperimentScanner(git, { cache: gitScanCache(db, 'ada/demo') }).scan();
    expect(git.reads).toEqual(before);
    expect(again).toEqual(first);

    const next = git.commit({ ...files(99), 'src/a.py': 'x\n' }, [head], 'run 99');
    git.setRef('refs/heads/main', next);
    db.close();
    db = makeExperimentsDb(name);
    const mark = { ...git.reads };
    const third = await new GitExperimentScanner(git, { cache: gitScanCache(db, 'ada/demo') }).scan();
    expect(git.reads.commits - mark.commits).toBe(1);
    expect(git.reads.blobs - mark.blobs).toBe(2);
    expect(third[0]?.run.params).toEqual({ lr: '99' });
    expect(third[0]?.run.metrics).toEqual({ loss: 0.01 });
    // Another repository's cache is separate.
    expect(await gitScanCache(db, 'bob/other').load()).toEqual([]);
    // Entries of commits no longer reachable are dropped, for this repository only.
    await gitScanCache(db, 'bob/other').save([
      {
        ...(third[0] ? { oid: 'x'.repeat(40) } : { oid: '' }),
        version: 1,
        analysis: (await gitScanCache(db, 'ada/demo').load())[0]!.analysis,
      },
    ]);
    await gitScanCache(db, 'ada/demo').prune?.(new Set([next]));
    expect((await gitScanCache(db, 'ada/demo').load()).map((e) => e.oid)).toEqual([next]);
    expect(await gitScanCache(db, 'bob/other').load()).toHaveLength(1);
    db.close();
  });

  it('opening a version 1 database adds the cache and keeps the runs', async () => {
    const name = `exp-v1-${Math.random()}`;
    const old = new Dexie(name);
    old
      .version(1)
      .stores({ runs: '[repo+id], repo, [repo+origin]', histories: '[repo+runId+key], [repo+runId]', feeds: 'repo' });
    await old.table('runs').put({ repo: 'a/b', id: 'r1', origin: 'mlflow', run: { id: 'r1' } });
    old.close();
    const db = makeExperimentsDb(name);
    expect((await db.runs.get(['a/b', 'r1']))?.origin).toBe('mlflow');
    expect(await db.gitScans.count()).toBe(0);
    db.close();
  });
});

describe('saving git experiments', () => {
  it('writes only runs that changed, and drops runs no longer found', async () => {
    const db = makeExperimentsDb(`exp-save-${Math.random()}`);
    const { git } = history(3);
    const found = await new GitExperimentScanner(git).scan();
    const rows = (list: typeof found) => list.map(savedGitExperiment);
    await saveGitExperiments(db, 'ada/demo', rows(found));
    expect(await db.runs.count()).toBe(3);
    expect(await db.histories.count()).toBe(3);

    let writes = 0;
    db.runs.hook('creating', () => {
      writes++;
    });
    db.runs.hook('updating', () => {
      writes++;
    });
    await saveGitExperiments(db, 'ada/demo', rows(found));
    expect(writes).toBe(0);

    const [a, b] = rows(found);
    if (!a || !b) throw new Error('expected runs');
    await saveGitExperiments(db, 'ada/demo', [{ ...a, info: { ...a.info, refs: ['main', 'feature'] } }, b]);
    expect(writes).toBe(1);
    expect(await db.runs.count()).toBe(2);
    expect(await db.histories.count()).toBe(2);
    expect((await db.runs.get(['ada/demo', a.run.id]))?.git?.refs).toEqual(['main', 'feature']);
    db.close();
  });
});
