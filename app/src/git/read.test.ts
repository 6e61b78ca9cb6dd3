import { beforeAll, describe, expect, it } from 'vitest';
import { readFileAt, readTextAt } from './read-blob.ts';
import { diffTrees } from './read-changes.ts';
import { readCommitDetail } from './read-commit.ts';
import { makeReadContext, type ReadContext } from './read-context.ts';
import { GitReadError } from './read-errors.ts';
import { readLog } from './read-log.ts';
import { listRefs, resolveRevision, splitRevisionAndPath } from './read-refs.ts';
import { makeTestRepo, type TestRepo } from './read-test-repo.ts';
import { commitTreeOid, readPathAt } from './read-tree.ts';

let repo: TestRepo;
let ctx: ReadContext;

beforeAll(async () => {
  repo = await makeTestRepo();
  ctx = makeReadContext(repo.fs, repo.dir);
});

describe('refs', () => {
  it('lists branches and tags and knows the current branch', async () => {
    expect(await listRefs(ctx)).toEqual({
      branches: ['feature/x', 'main'],
      tags: ['v1', 'v2'],
      currentBranch: 'main',
      defaultBranch: 'main',
      defaultChosenHere: false,
    });
  });

  it('resolves branches, lightweight and annotated tags, full and short commit ids', async () => {
    const { first, second, third, feature } = repo.commits;
    expect(await resolveRevision(ctx, 'main')).toEqual({ oid: third, kind: 'branch', name: 'main' });
    expect(await resolveRevision(ctx, 'feature/x')).toMatchObject({ oid: feature, kind: 'branch' });
    expect(await resolveRevision(ctx, 'v1')).toMatchObject({ oid: first, kind: 'tag' });
    expect(await resolveRevision(ctx, 'v2')).toMatchObject({ oid: second, kind: 'tag' });
    expect(await resolveRevision(ctx, second)).toMatchObject({ oid: second, kind: 'commit' });
    expect(await resolveRevision(ctx, second.slice(0, 7))).toMatchObject({ oid: second, kind: 'commit' });
    expect(await resolveRevision(ctx, 'HEAD')).toMatchObject({ oid: third });
  });

  it('gives a typed error for an unknown revision', async () => {
    const error = await resolveRevision(ctx, 'nope').catch((e) => e);
    expect(error).toBeInstanceOf(GitReadError);
    expect(error.code).toBe('ref_not_found');
  });

  it('splits URL segments at the longest branch name', async () => {
    expect(await splitRevisionAndPath(ctx, ['feature', 'x', 'src', 'train.py'])).toEqual({
      rev: 'feature/x',
      path: 'src/train.py',
    });
    expect(await splitRevisionAndPath(ctx, ['main', 'src'])).toEqual({ rev: 'main', path: 'src' });
    expect(await splitRevisionAndPath(ctx, ['abc1234'])).toEqual({ rev: 'abc1234', path: '' });
  });
});

describe('trees and blobs', () => {
  it('lists the root with folders first', async () => {
    const root = await readPathAt(ctx, repo.commits.third, '');
    expect(root.type).toBe('tree');
    if (root.type !== 'tree') return;
    expect(root.entries.map((e) => `${e.type}:${e.path}`)).toEqual([
      'tree:data',
      'tree:src',
      'blob:README.md',
      'blob:metrics.json',
      'blob:notes.txt',
    ]);
  });

  it('lists a nested folder at an older revision', async () => {
    const lib = await readPathAt(ctx, repo.commits.first, 'src/lib');
    expect(lib.type === 'tree' && lib.entries.map((e) => e.path)).toEqual(['src/lib/util.py']);
  });

  it('reads a file at two revisions', async () => {
    expect(await readTextAt(ctx, repo.commits.first, 'src/train.py')).toBe('print("train")\n');
    expect(await readTextAt(ctx, repo.commits.third, 'src/train.py')).toBe('print("train v2")\n');
    expect(await readTextAt(ctx, repo.commits.third, 'src/lib/util.py')).toBeNull();
  });

  it('refuses missing paths, files used as folders and folders read as files', async () => {
    await expect(readPathAt(ctx, repo.commits.third, 'nope')).rejects.toMatchObject({ code: 'path_not_found' });
    await expect(readPathAt(ctx, repo.commits.third, 'README.md/x')).rejects.toMatchObject({ code: 'path_not_found' });
    await expect(readPathAt(ctx, repo.commits.third, '../etc')).rejects.toMatchObject({ code: 'path_not_found' });
    await expect(readFileAt(ctx, repo.commits.third, 'src')).rejects.toMatchObject({ code: 'not_a_file' });
  });

  it('reads each tree once (cached by oid)', async () => {
    const fresh = makeReadContext(repo.fs, repo.dir);
    await readPathAt(fresh, repo.commits.third, 'src');
    const size = fresh.trees.size;
    await readPathAt(fresh, repo.commits.third, 'src');
    expect(fresh.trees.size).toBe(size);
    expect(size).toBe(2); // root and src, nothing else
  });
});

describe('history', () => {
  it('pages a branch newest first with changed-file counts', async () => {
    const page = await readLog(ctx, 'main', { limit: 2 });
    expect(page.commits.map((c) => [c.summary, c.changedFiles])).toEqual([
      ['Third', 1],
      ['Second: change train, add notes, drop util', 3],
    ]);
    expect(page.more).toBe(true);
    const next = await readLog(ctx, 'main', { skip: 2, limit: 2 });
    expect(next.commits.map((c) => [c.summary, c.changedFiles, c.author.name])).toEqual([['Initial commit', 4, 'Ada']]);
    expect(next.more).toBe(false);
  });

  it("narrows history to one file's or folder's commits (git log -- PATH)", async () => {
    const train = await readLog(ctx, 'main', { path: 'src/train.py' });
    expect(train.commits.map((c) => c.summary)).toEqual([
      'Second: change train, add notes, drop util',
      'Initial commit',
    ]);
    const metrics = await readLog(ctx, 'main', { path: 'metrics.json', limit: 1 });
    expect([metrics.commits.map((c) => c.summary), metrics.more]).toEqual([['Third'], false]);
    const src = await readLog(ctx, 'main', { path: 'src', limit: 1 });
    expect([src.commits.map((c) => c.summary), src.more]).toEqual([
      ['Second: change train, add notes, drop util'],
      true,
    ]);
  });

  it('shows a commit with its added, modified and deleted files', async () => {
    const detail = await readCommitDetail(ctx, repo.commits.second.slice(0, 8));
    expect(detail.oid).toBe(repo.commits.second);
    expect(detail.parents).toEqual([repo.commits.first]);
    expect(detail.changes.map((c) => `${c.kind} ${c.path}`)).toEqual([
      'added notes.txt',
      'deleted src/lib/util.py',
      'modified src/train.py',
    ]);
  });

  it('diffs two trees without reading unchanged subtrees', async () => {
    const fresh = makeReadContext(repo.fs, repo.dir);
    const a = await commitTreeOid(fresh, repo.commits.second);
    const b = await commitTreeOid(fresh, repo.commits.third);
    const changes = await diffTrees(fresh, a, b);
    expect(changes).toEqual([expect.objectContaining({ path: 'metrics.json', kind: 'added', before: null })]);
    expect(fresh.repo.reads.trees).toBe(2); // only the two root trees: data/ and src/ are equal by oid
  });
});
