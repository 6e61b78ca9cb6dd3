import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitEnv } from '../git/run-git.ts';
import type { HttpError } from '../http/http-error.ts';
import {
  followDefaultBranch,
  isValidBranchName,
  pickDefaultBranch,
  readDefaultBranch,
  repairHead,
  setDefaultBranch,
} from './default-branch.ts';

/** Choosing and setting a bare repository's HEAD, on real bare folders made with the git CLI. */
let tmp: string;
const git = (args: string[], cwd: string) =>
  execFileSync('git', args, {
    cwd,
    env: gitEnv({ GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@x' }),
  }).toString();

/** A bare repository with HEAD naming main and the given branches (all on one commit). */
function bareWith(name: string, branches: string[]): string {
  const dir = path.join(tmp, `${name}.git`);
  git(['init', '-q', '--bare', '--initial-branch=main', dir], tmp);
  if (branches.length === 0) return dir;
  const tree = git(['mktree'], dir).trim();
  const commit = git(['commit-tree', '-m', 'x', tree], dir).trim();
  for (const b of branches) git(['update-ref', `refs/heads/${b}`, commit], dir);
  return dir;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-default-branch-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('pickDefaultBranch', () => {
  it('prefers main, then master, then the first name in byte order', () => {
    expect(pickDefaultBranch([])).toBeNull();
    expect(pickDefaultBranch(['zeta', 'master', 'main'])).toBe('main');
    expect(pickDefaultBranch(['zeta', 'master', 'alpha'])).toBe('master');
    expect(pickDefaultBranch(['zeta', 'Beta', 'alpha'])).toBe('Beta');
  });

  it('always answers one of the branches, whatever their order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 12 }), (branches) => {
        const picked = pickDefaultBranch(branches);
        if (branches.length === 0) expect(picked).toBeNull();
        else expect(branches).toContain(picked);
        expect(pickDefaultBranch([...branches].reverse())).toBe(picked);
      }),
    );
  });
});

describe('HEAD of a bare repository', () => {
  it('repairs a dangling HEAD and leaves a valid one', async () => {
    const dir = bareWith('dangling', ['develop', 'feature/x']);
    expect(await readDefaultBranch(dir)).toBeNull();
    expect(await repairHead(dir)).toEqual({ defaultBranch: 'develop', changed: true });
    expect(git(['symbolic-ref', 'HEAD'], dir).trim()).toBe('refs/heads/develop');
    git(['update-ref', 'refs/heads/main', 'refs/heads/develop'], dir);
    expect(await repairHead(dir)).toEqual({ defaultBranch: 'develop', changed: false });
    expect(await repairHead(bareWith('empty', []))).toEqual({ defaultBranch: null, changed: false });
  });

  it('agrees with itself when many repairs race', async () => {
    const dir = bareWith('racing', ['b', 'a', 'master']);
    const results = await Promise.all(Array.from({ length: 8 }, () => repairHead(dir)));
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.defaultBranch))).toEqual(new Set(['master']));
  });

  it('sets an existing branch and refuses invalid or missing ones, leaving HEAD', async () => {
    const dir = bareWith('settable', ['main', 'develop']);
    await setDefaultBranch(dir, 'develop', 'tester');
    expect(await readDefaultBranch(dir)).toBe('develop');
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: HttpError) => e.code,
      );
    expect(await codeOf(setDefaultBranch(dir, 'missing', 'tester'))).toBe('branch_not_found');
    expect(await codeOf(setDefaultBranch(dir, 'a..b', 'tester'))).toBe('invalid_branch_name');
    expect(await readDefaultBranch(dir)).toBe('develop');
  });

  it('follows a source default that exists, and falls back when it does not', async () => {
    const dir = bareWith('mirror', ['main', 'master']);
    expect(await followDefaultBranch(dir, 'master')).toBe('master');
    expect(await followDefaultBranch(dir, 'gone')).toBe('master');
    git(['update-ref', '-d', 'refs/heads/master'], dir);
    expect(await followDefaultBranch(dir, 'gone')).toBe('main');
  });
});

describe('isValidBranchName', () => {
  it("follows git's rules and refuses option-like and @{…} names", async () => {
    for (const ok of ['main', 'feature/x', 'v1.2', 'exp-2026_12']) expect(await isValidBranchName(ok)).toBe(true);
    for (const bad of ['', '-x', 'a..b', '@{-1}', 'x.lock', 'a b', 'a\nb', 'a~1', 'a:b', '/a', 'a/', 'x'.repeat(300)]) {
      expect(await isValidBranchName(bad), bad).toBe(false);
    }
  });
});
