/**
 * The index a fresh clone writes (core's writeGitIndex) is one git itself accepts as exact: for a
 * working tree checked out by the real git CLI (nested folders, an executable, a symlink, a
 * non-ASCII name), git sees no file changed against the index and the index equal to HEAD.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type GitIndexEntry, writeGitIndex } from '@cairn/core/git';
import { afterAll, describe, expect, it } from 'vitest';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-git-index-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.org', ...args], { cwd: work })
    .toString()
    .trim();

describe('the index a clone writes', () => {
  it('is one git finds equal to HEAD and to the files, with nothing to refresh', async () => {
    git('init', '-q', '-b', 'main');
    fs.mkdirSync(path.join(work, 'src/deep'), { recursive: true });
    fs.writeFileSync(path.join(work, 'README.md'), '# Hello\n');
    fs.writeFileSync(path.join(work, 'src/deep/a.py'), 'A = 1\n');
    fs.writeFileSync(path.join(work, 'src/train.sh'), '#!/bin/sh\necho train\n', { mode: 0o755 });
    fs.writeFileSync(path.join(work, 'src-file.txt'), 'sorts after the folder src/ in git order\n');
    fs.writeFileSync(path.join(work, 'données.csv'), 'a,b\n1,2\n');
    fs.symlinkSync('README.md', path.join(work, 'link-to-readme'));
    git('add', '-A');
    git('commit', '-q', '-m', 'files');

    const entries: GitIndexEntry[] = git('ls-tree', '-r', '-z', 'HEAD')
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const [meta, file] = line.split('\t') as [string, string];
        const [mode, , oid] = meta.split(' ') as [string, string, string];
        const st = fs.lstatSync(path.join(work, file));
        return {
          path: file,
          oid,
          mode: Number.parseInt(mode, 8),
          size: st.size,
          ctimeMs: st.ctimeMs,
          mtimeMs: st.mtimeMs,
          dev: st.dev,
          ino: st.ino,
          uid: st.uid,
          gid: st.gid,
        };
      })
      .reverse(); // writeGitIndex sorts as git does, whatever order it is given
    fs.writeFileSync(path.join(work, '.git/index'), await writeGitIndex(entries));

    expect(git('ls-files', '-s').split('\n')).toHaveLength(6);
    // Seconds, sizes, modes and inodes are compared (nanoseconds are derived from milliseconds).
    expect(git('-c', 'core.checkStat=minimal', 'diff-files', '--name-only')).toBe('');
    expect(git('diff-index', '--cached', '--name-only', 'HEAD')).toBe('');
    expect(git('status', '--porcelain')).toBe('');
  });
});
