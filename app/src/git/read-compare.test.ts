import { beforeAll, describe, expect, it } from 'vitest';
import { parseCompareRange } from '../files/urls.ts';
import { readComparison } from './read-compare.ts';
import { makeReadContext, type ReadContext } from './read-context.ts';
import { GitReadError } from './read-errors.ts';
import { makeTestRepo, type TestRepo } from './read-test-repo.ts';

let repo: TestRepo;
let ctx: ReadContext;

beforeAll(async () => {
  repo = await makeTestRepo();
  ctx = makeReadContext(repo.fs, repo.dir);
});

const compare = (range: string) => {
  const parsed = parseCompareRange(range);
  if (!parsed) throw new Error(`not a range: ${range}`);
  return readComparison(ctx, parsed);
};

describe('comparing two revisions', () => {
  it('three dots: only what the feature branch changed since it left main', async () => {
    const c = await compare('main...feature/x');
    expect(c.from).toBe(repo.commits.first);
    expect(c.changes.map((f) => `${f.kind}:${f.path}`)).toEqual(['added:feature.txt']);
  });

  it('two dots: the trees of main and the feature branch directly', async () => {
    const c = await compare('main..feature/x');
    expect(c.from).toBe(repo.commits.third);
    const paths = c.changes.map((f) => `${f.kind}:${f.path}`);
    expect(paths).toContain('added:feature.txt');
    expect(paths).toContain('deleted:notes.txt');
  });

  it('compares commits by id, and a revision with itself is empty', async () => {
    const { first, second } = repo.commits;
    const c = await compare(`${first}...${second}`);
    expect(c.changes.map((f) => f.path)).toContain('src/train.py');
    expect((await compare('main...main')).changes).toEqual([]);
  });

  it('names an unknown revision with a typed error', async () => {
    const error = await compare('main...nope').catch((e) => e);
    expect(error).toBeInstanceOf(GitReadError);
    expect(error.code).toBe('ref_not_found');
  });
});

describe('compare URLs', () => {
  it('splits three and two dots, keeps slashes in names, refuses the rest', () => {
    expect(parseCompareRange('main...feature/x')).toEqual({ base: 'main', head: 'feature/x', mode: 'merge-base' });
    expect(parseCompareRange('v1..v2')).toEqual({ base: 'v1', head: 'v2', mode: 'direct' });
    expect(parseCompareRange('main')).toBeNull();
    expect(parseCompareRange('...main')).toBeNull();
    expect(parseCompareRange('a...b...c')).toBeNull();
  });
});
