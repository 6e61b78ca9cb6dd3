/**
 * Core's GitRepoReader (what the file, history, commit and compare views read through) held
 * equal to isomorphic-git and to the git CLI on real repositories: made by git (nested folders,
 * a deleted file, an executable, a non-ASCII name, a merge, time zones, a lightweight, an
 * annotated and a nested annotated tag), packed by `git gc --aggressive` (OFS_DELTA) or
 * `git repack` without offsets (REF_DELTA), with packed-refs, then loose commits on top, and a
 * commit made in the browser by isomorphic-git after the copy into lightning-fs — opened as the
 * app opens a repository (storage/packed-fs.ts), with the pack where older clones keep it.
 */
import { execFileSync } from 'node:child_process';
import nodeFs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GitRepoReader } from '@cairn/core/git';
import LightningFS from '@isomorphic-git/lightning-fs';
import git, { type FsClient } from 'isomorphic-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packedFs } from '../storage/packed-fs.ts';
import { repoReaderOn } from './object-files.ts';
import { makeReadContext } from './read-context.ts';
import { listRefs } from './read-refs.ts';

const made: string[] = [];
afterAll(() => {
  for (const d of made) nodeFs.rmSync(d, { recursive: true, force: true });
});

function gitCli(cwd: string, args: string[], env: Record<string, string> = {}, input?: string): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd, ...env },
    ...(input === undefined ? {} : { input }),
  });
}

/** A repository made by the git CLI; `deltas` picks how its pack names delta bases. */
function makeCliRepo(deltas: 'offset' | 'ref'): string {
  const dir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'cairn-reader-'));
  made.push(dir);
  let time = 1_700_000_000;
  const write = (file: string, text: string) => {
    nodeFs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    nodeFs.writeFileSync(path.join(dir, file), text);
  };
  const commit = (message: string, zone = '+0000') => {
    time += 3600;
    const when = `${time} ${zone}`;
    gitCli(dir, ['add', '-A']);
    gitCli(dir, ['commit', '-q', '-m', message], {
      GIT_AUTHOR_NAME: 'Ada Lovelace',
      GIT_AUTHOR_EMAIL: 'ada@example.org',
      GIT_AUTHOR_DATE: when,
      GIT_COMMITTER_NAME: 'Bob',
      GIT_COMMITTER_EMAIL: 'bob@example.org',
      GIT_COMMITTER_DATE: when,
    });
  };
  gitCli(dir, ['init', '-q', '-b', 'main']);
  gitCli(dir, ['config', 'user.name', 'Tagger']);
  gitCli(dir, ['config', 'user.email', 'tagger@example.org']);
  for (let i = 0; i < 30; i++) write(`src/m${i % 3}/f${i}.py`, `# file ${i}\n${'x = 1\n'.repeat(40)}`);
  write('README.md', '# Demo\n');
  write('café.txt', 'crème\n');
  write('run.sh', '#!/bin/sh\necho hi\n');
  nodeFs.chmodSync(path.join(dir, 'run.sh'), 0o755);
  commit('Initial commit\n\nWith a body.', '+0130');
  gitCli(dir, ['tag', 'v1']);
  for (let c = 1; c <= 12; c++) {
    write(`src/m${c % 3}/f${c}.py`, `# file ${c}\n${'x = 1\n'.repeat(40)}y = ${c}\n`);
    if (c === 5) nodeFs.rmSync(path.join(dir, 'src/m2/f2.py'));
    commit(`Step ${c}`, c % 2 ? '-0500' : '+0000');
  }
  gitCli(dir, ['tag', '-a', 'v2', '-m', 'release 2'], { GIT_COMMITTER_DATE: `${time} +0000` });
  gitCli(dir, ['tag', '-a', 'v2-signed-off', 'v2', '-m', 'a tag of a tag'], { GIT_COMMITTER_DATE: `${time} +0000` });
  gitCli(dir, ['checkout', '-q', '-b', 'feature/x', 'HEAD~4']);
  write('feature.txt', 'f\n');
  commit('Feature work');
  gitCli(dir, ['checkout', '-q', 'main']);
  write('README.md', '# Demo\n\nMore.\n');
  commit('Main moves on');
  gitCli(dir, ['merge', '-q', '--no-ff', 'feature/x', '-m', 'Merge feature/x'], {
    GIT_AUTHOR_DATE: `${time + 60} +0000`,
    GIT_COMMITTER_DATE: `${time + 60} +0000`,
  });
  time += 60;
  // The server's branches as a clone leaves them: origin/main (packed below) and a symbolic origin/HEAD.
  gitCli(dir, ['update-ref', 'refs/remotes/origin/main', 'HEAD~1']);
  gitCli(dir, ['symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main']);
  if (deltas === 'ref') gitCli(dir, ['-c', 'repack.useDeltaBaseOffset=false', 'repack', '-q', '-a', '-d', '-f']);
  else gitCli(dir, ['gc', '-q', '--aggressive']);
  gitCli(dir, ['pack-refs', '--all']);
  // Loose objects and a loose ref on top of the pack, as a fetch or a commit after a gc leaves them.
  write('src/m0/f0.py', '# changed after the pack\n');
  commit('After the pack');
  return dir;
}

/** The repository's .git copied into lightning-fs (with its files, so isomorphic-git can commit). */
async function intoLightningFs(from: string, name: string): Promise<LightningFS> {
  const fs = new LightningFS(name, { wipe: true });
  const copy = async (src: string, dst: string) => {
    await fs.promises.mkdir(dst).catch(() => {});
    for (const e of nodeFs.readdirSync(src, { withFileTypes: true })) {
      if (e.isDirectory()) await copy(path.join(src, e.name), `${dst}/${e.name}`);
      else await fs.promises.writeFile(`${dst}/${e.name}`, nodeFs.readFileSync(path.join(src, e.name)));
    }
  };
  await copy(from, '/repo');
  return fs;
}

for (const deltas of ['offset', 'ref'] as const) {
  describe(`core's reader equals isomorphic-git and git (${deltas} deltas)`, () => {
    let cliDir: string;
    let fs: LightningFS;
    let reader: GitRepoReader;
    let browserCommit: string;
    const dir = '/repo';

    beforeAll(async () => {
      cliDir = makeCliRepo(deltas);
      const packs = nodeFs.readdirSync(path.join(cliDir, '.git/objects/pack'));
      expect(packs.filter((p) => p.endsWith('.pack'))).toHaveLength(1);
      const verify = gitCli(cliDir, [
        'verify-pack',
        '-v',
        ...packs.filter((p) => p.endsWith('.idx')).map((p) => `.git/objects/pack/${p}`),
      ]);
      // The pack really holds deltas (the chains these tests walk).
      expect(verify).toMatch(/chain length = [1-9]/);
      // As the app opens every repository (packedFs), with the pack inside lightning-fs: the layout
      // of clones made before packs moved to OPFS, which must still read.
      const fsName = `reader-${deltas}-${Math.random().toString(36).slice(2)}`;
      fs = packedFs(await intoLightningFs(cliDir, fsName), fsName);
      // A commit made in the browser after the copy: loose objects written by isomorphic-git.
      await fs.promises.writeFile(`${dir}/notes.txt`, 'made in the browser\n', 'utf8');
      await git.add({ fs, dir, filepath: 'notes.txt' });
      browserCommit = await git.commit({
        fs,
        dir,
        message: 'In the browser',
        author: { name: 'Cleo', email: 'cleo@example.org', timestamp: 1_800_000_000, timezoneOffset: -120 },
      });
      reader = repoReaderOn(fs, dir);
    });

    it('resolves every ref, symbolic HEAD and packed-refs, peeling annotated tags', async () => {
      const refs = gitCli(cliDir, ['for-each-ref', '--format=%(refname)']).trim().split('\n');
      expect(refs).toEqual(expect.arrayContaining(['refs/tags/v2', 'refs/heads/feature/x']));
      expect(await nodeFs.promises.readFile(path.join(cliDir, '.git/packed-refs'), 'utf8')).toContain('refs/tags/v2');
      for (const ref of [...refs, 'HEAD']) {
        const oid = await reader.resolveRef(ref);
        expect(oid, ref).toBe(await git.resolveRef({ fs, dir, ref }));
        const peeled = await reader.peelToCommit(oid as string);
        expect(peeled, ref).toBe((await git.readCommit({ fs, dir, oid: oid as string })).oid);
      }
      expect(await reader.resolveRef('HEAD')).toBe(browserCommit);
      expect(await reader.refs.symbolicTarget('HEAD')).toBe('refs/heads/main');
      expect(await reader.peelToCommit((await reader.resolveRef('refs/tags/v2-signed-off')) as string)).toBe(
        gitCli(cliDir, ['rev-parse', 'v2^{commit}']).trim(),
      );
      expect(await reader.resolveRef('refs/heads/nope')).toBeNull();
      expect(await reader.resolveRef('refs/heads/../../config')).toBeNull();
    });

    it('lists refs as git show-ref does (loose over packed-refs, symbolic ones too) and HEAD as git symbolic-ref', async () => {
      const onDisk = repoReaderOn(nodeFs as unknown as FsClient, cliDir);
      const shown = gitCli(cliDir, ['show-ref'])
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]);
      expect(shown.map(([, ref]) => ref)).toEqual(
        expect.arrayContaining(['refs/heads/main', 'refs/remotes/origin/HEAD', 'refs/tags/v2']),
      );
      // main moved after pack-refs: its packed line is stale, the loose file wins (and it is listed once).
      expect(await nodeFs.promises.readFile(path.join(cliDir, '.git/packed-refs'), 'utf8')).toContain(
        'refs/heads/main',
      );
      expect(await onDisk.refs.names('refs/')).toEqual(shown.map(([, ref]) => ref));
      for (const [oid, ref] of shown) expect(await onDisk.resolveRef(ref), ref).toBe(oid);
      for (const prefix of ['refs/heads/', 'refs/tags/', 'refs/remotes/origin/']) {
        expect(await onDisk.refs.names(prefix)).toEqual(
          shown.map(([, ref]) => ref).filter((r) => r.startsWith(prefix)),
        );
      }
      expect(await onDisk.refs.symbolicTarget('HEAD')).toBe(gitCli(cliDir, ['symbolic-ref', 'HEAD']).trim());
      expect(await onDisk.refs.symbolicTarget('refs/remotes/origin/HEAD')).toBe('refs/remotes/origin/main');

      // The app's ref listing, on the browser's copy, as isomorphic-git lists the same refs.
      const listed = await listRefs(makeReadContext(fs, dir));
      const [local, remote, tags, current] = await Promise.all([
        git.listBranches({ fs, dir }),
        git.listBranches({ fs, dir, remote: 'origin' }),
        git.listTags({ fs, dir }),
        git.currentBranch({ fs, dir }),
      ]);
      expect(listed.branches).toEqual([...new Set([...local, ...remote.filter((b) => b !== 'HEAD')])].sort());
      expect(listed.tags).toEqual([...tags].sort());
      expect(listed.currentBranch).toBe(current);
    });

    it('reads every commit, tree and blob as isomorphic-git does', async () => {
      const objects = gitCli(cliDir, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)'])
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]);
      const browserObjects = [browserCommit, (await git.readCommit({ fs, dir, oid: browserCommit })).commit.tree];
      let checked = 0;
      for (const [oid, type] of [
        ...objects,
        [browserObjects[0], 'commit'] as const,
        [browserObjects[1], 'tree'] as const,
      ]) {
        if (type === 'commit') {
          const mine = await reader.readCommit(oid as string);
          const { commit } = await git.readCommit({ fs, dir, oid: oid as string });
          expect({ tree: mine.tree, parents: mine.parents, message: mine.message }).toEqual({
            tree: commit.tree,
            parents: commit.parent,
            message: commit.message,
          });
          for (const who of ['author', 'committer'] as const) {
            expect(mine[who]).toEqual({
              name: commit[who].name,
              email: commit[who].email,
              timestamp: commit[who].timestamp,
              timezoneOffset: commit[who].timezoneOffset,
            });
          }
        } else if (type === 'tree') {
          const mine = (await reader.readTree(oid as string)).map((e) => ({
            name: e.name,
            mode: e.mode,
            type: e.type,
            oid: e.oid,
          }));
          const { tree } = await git.readTree({ fs, dir, oid: oid as string });
          expect(mine).toEqual(tree.map((e) => ({ name: e.path, mode: e.mode, type: e.type, oid: e.oid })));
        } else if (type === 'blob') {
          expect(await reader.readBlob(oid as string)).toEqual(
            (await git.readBlob({ fs, dir, oid: oid as string })).blob,
          );
        }
        checked++;
      }
      expect(checked).toBeGreaterThan(60);
    });

    it("walks history in git log's order, with git's changed files per commit", async () => {
      const cliHead = gitCli(cliDir, ['rev-parse', 'main']).trim();
      const expected = gitCli(cliDir, ['log', '--format=%H', 'main']).trim().split('\n');
      const log = await reader.log([cliHead]);
      expect(log.map((c) => c.oid)).toEqual(expected);
      expect((await reader.log([cliHead], { limit: 3 })).map((c) => c.oid)).toEqual(expected.slice(0, 3));
      for (const c of log) {
        const parent = c.parents[0];
        const files = gitCli(cliDir, [
          '-c',
          'core.quotePath=false',
          'diff-tree',
          '-r',
          '--no-renames',
          '--name-status',
          ...(parent ? [parent] : ['--root']),
          c.oid,
        ])
          .trim()
          .split('\n')
          .filter((l) => /^[AMD]\t/.test(l))
          .map((l) => `${{ A: 'added', M: 'modified', D: 'deleted' }[l[0] as 'A']} ${l.slice(2)}`)
          .sort();
        const mine = (await reader.commitChanges(c)).map((f) => `${f.kind} ${f.path}`).sort();
        expect(mine, c.message).toEqual(files);
      }
      // Including the browser's commit on top, as isomorphic-git's log starts.
      const top = await reader.log([browserCommit], { limit: 2 });
      expect(top.map((c) => c.oid)).toEqual([browserCommit, cliHead]);
      expect((await reader.commitChanges(top[0] as (typeof top)[0])).map((f) => `${f.kind} ${f.path}`)).toEqual([
        'added notes.txt',
      ]);
    });

    it('narrows history to a path as `git log -- PATH` does, deleted files included', async () => {
      const cliHead = gitCli(cliDir, ['rev-parse', 'main']).trim();
      for (const p of ['src/m1', 'src/m2/f2.py', 'README.md', 'feature.txt', 'src', 'nope.txt']) {
        const expected = gitCli(cliDir, ['log', '--format=%H', 'main', '--', p]).trim().split('\n').filter(Boolean);
        expect(
          (await reader.log([cliHead], { path: p })).map((c) => c.oid),
          p,
        ).toEqual(expected);
      }
    });

    it('finds the merge base git finds, and an abbreviated commit id', async () => {
      for (const [a, b] of [
        ['main~1', 'feature/x'],
        ['v1', 'main'],
        ['feature/x', 'main~2'],
      ] as const) {
        const [oa, ob] = [a, b].map((r) => gitCli(cliDir, ['rev-parse', r]).trim()) as [string, string];
        const expected = gitCli(cliDir, ['merge-base', '--all', oa, ob]).trim().split('\n');
        expect(await reader.mergeBases(oa, ob), `${a}...${b}`).toEqual(expected);
        expect(await reader.mergeBases(oa, ob)).toEqual(await git.findMergeBase({ fs, dir, oids: [oa, ob] }));
      }
      expect(await reader.commitsWithPrefix(browserCommit.slice(0, 7))).toEqual([browserCommit]);
      const packed = gitCli(cliDir, ['rev-parse', 'v1']).trim();
      expect(await reader.commitsWithPrefix(packed.slice(0, 6))).toEqual([packed]);
    });
  });
}

describe("core's reader on a shallow clone", () => {
  it('ends the log at the boundary and counts the boundary commit as adding every file, as git does', async () => {
    const source = makeCliRepo('offset');
    const dir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'cairn-reader-shallow-'));
    made.push(dir);
    gitCli(dir, ['clone', '-q', '--depth', '3', '--no-local', `file://${source}`, 'clone']);
    const clone = path.join(dir, 'clone');
    const reader = repoReaderOn(nodeFs as unknown as Parameters<typeof repoReaderOn>[0], clone);
    const head = (await reader.resolveRef('HEAD')) as string;
    const log = await reader.log([head]);
    expect(log.map((c) => c.oid)).toEqual(gitCli(clone, ['log', '--format=%H']).trim().split('\n'));
    const boundary = log[log.length - 1] as (typeof log)[0];
    const files = gitCli(clone, ['ls-tree', '-r', '--name-only', boundary.oid]).trim().split('\n');
    expect(await reader.countChanges(boundary)).toBe(files.length);
  });
});
