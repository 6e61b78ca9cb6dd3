/**
 * The git-experiment scanner's object reader (app/src/experiments/isogit-reader.ts over core's
 * GitObjectStore) against repositories written by the real git CLI: loose objects, a `git gc`
 * pack (OFS_DELTA), a pack written without offset deltas (REF_DELTA), and both at once. Every
 * object must read exactly as isomorphic-git reads it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitExperimentScanner } from '@cairn/core/experiments';
import { GitObjectError } from '@cairn/core/git';
import * as git from 'isomorphic-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIsoGitReader } from '../../app/src/experiments/isogit-reader.ts';
import { runGit } from '../support/git-cli.ts';

let root: string;
let home: string;

async function sh(cwd: string, ...args: string[]): Promise<string> {
  const r = await runGit(args, { home, cwd });
  if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.out}`);
  return r.stdout;
}

/** A small history: params/metrics changing, nested folders, a merge and a signed-style commit. */
async function makeRepo(name: string): Promise<string> {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  await sh(dir, 'init', '-q', '-b', 'main');
  const write = (p: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), text);
  };
  const big = Array.from({ length: 400 }, (_, i) => `line ${i} of a file git will store as deltas`).join('\n');
  for (let i = 0; i < 12; i++) {
    write('params.yml', `lr: ${i / 100}\nmodel:\n  depth: ${i % 3}\n`);
    write('metrics.csv', `Name,Value,Timestamp,Step\n"loss",${1 / (i + 1)},${1_700_000_000_000 + i},1\r\n`);
    write(`src/deep/er/file${i % 4}.py`, `${big}\nprint(${i})\n`);
    await sh(dir, 'add', '-A');
    await sh(dir, 'commit', '-q', '-m', `step ${i}\n\nbody of ${i}`);
  }
  await sh(dir, 'checkout', '-q', '-b', 'side', 'HEAD~3');
  write('params.yml', 'lr: 9\n');
  await sh(dir, 'commit', '-q', '-am', 'side');
  await sh(dir, 'checkout', '-q', 'main');
  await sh(dir, 'merge', '-q', '--no-ff', '-m', 'merge side', 'side', '-X', 'theirs');
  // A commit with a multi-line header (as a GPG signature is stored).
  const tree = (await sh(dir, 'rev-parse', 'HEAD^{tree}')).trim();
  const head = (await sh(dir, 'rev-parse', 'HEAD')).trim();
  const raw = `tree ${tree}\nparent ${head}\nauthor Ada Lovelace <ada@example.org> 1700000500 +0100\ncommitter Ada Lovelace <ada@example.org> 1700000600 +0100\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n abc\n -----END PGP SIGNATURE-----\n\nsigned\n`;
  fs.writeFileSync(path.join(root, `${name}.commit`), raw);
  const signed = (await sh(dir, 'hash-object', '-t', 'commit', '-w', path.join(root, `${name}.commit`))).trim();
  await sh(dir, 'update-ref', 'refs/heads/main', signed);
  return dir;
}

async function allObjects(dir: string): Promise<{ oid: string; type: string }[]> {
  const out = await sh(dir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)');
  return out
    .trim()
    .split('\n')
    .map((l) => {
      const [oid, type] = l.split(' ');
      return { oid: oid as string, type: type as string };
    });
}

async function expectSameAsIsomorphicGit(dir: string): Promise<number> {
  const reader = makeIsoGitReader(git, fs, dir);
  const objects = await allObjects(dir);
  for (const { oid, type } of objects) {
    if (type === 'commit') {
      const { commit } = await git.readCommit({ fs, dir, oid });
      const mine = await reader.readCommit(oid);
      expect(mine).toEqual({
        oid,
        tree: commit.tree,
        parents: commit.parent,
        message: commit.message,
        author: {
          name: commit.author.name,
          email: commit.author.email,
          timestamp: commit.author.timestamp,
          timezoneOffset: commit.author.timezoneOffset,
        },
        committer: {
          name: commit.committer.name,
          email: commit.committer.email,
          timestamp: commit.committer.timestamp,
          timezoneOffset: commit.committer.timezoneOffset,
        },
      });
    } else if (type === 'tree') {
      const { tree } = await git.readTree({ fs, dir, oid });
      const mine = (await reader.readTree(oid)).map((e) => ({ name: e.name, mode: e.mode, type: e.type, oid: e.oid }));
      // isomorphic-git calls an entry's name `path`.
      expect(mine).toEqual(tree.map((e) => ({ name: e.path, mode: e.mode, type: e.type, oid: e.oid })));
    } else if (type === 'blob') {
      const { blob } = await git.readBlob({ fs, dir, oid });
      expect(Buffer.from(await reader.readBlob(oid)).equals(Buffer.from(blob))).toBe(true);
    }
  }
  return objects.length;
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-gitobj-'));
  home = path.join(root, 'home');
  fs.mkdirSync(home);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('reading git objects for the experiment scanner', () => {
  it('reads loose objects as isomorphic-git does', async () => {
    const dir = await makeRepo('loose');
    expect(fs.readdirSync(path.join(dir, '.git/objects/pack'))).toEqual([]);
    expect(await expectSameAsIsomorphicGit(dir)).toBeGreaterThan(40);
  });

  it('reads a gc pack (offset deltas) plus newer loose objects', async () => {
    const dir = await makeRepo('gc');
    await sh(dir, 'gc', '-q', '--aggressive');
    fs.writeFileSync(path.join(dir, 'params.yml'), 'lr: 0.5\n');
    await sh(dir, 'commit', '-q', '-am', 'after gc');
    expect(fs.readdirSync(path.join(dir, '.git/objects/pack')).some((n) => n.endsWith('.idx'))).toBe(true);
    expect(await expectSameAsIsomorphicGit(dir)).toBeGreaterThan(40);
  });

  it('reads a pack whose deltas name their base by id (REF_DELTA)', async () => {
    const dir = await makeRepo('refdelta');
    const list = await sh(dir, 'rev-list', '--objects', '--all');
    const out = path.join(root, 'refdelta-pack');
    fs.mkdirSync(out);
    // Without --delta-base-offset, pack-objects writes every delta as REF_DELTA.
    const r = await new Promise<number>((resolve) => {
      const child = spawn('git', ['pack-objects', '-q', '--window=50', path.join(out, 'pack')], {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1' },
      });
      child.stdin.end(list);
      child.on('close', resolve);
    });
    expect(r).toBe(0);
    for (const f of fs.readdirSync(out)) fs.copyFileSync(path.join(out, f), path.join(dir, '.git/objects/pack', f));
    await sh(dir, 'prune-packed');
    expect(await expectSameAsIsomorphicGit(dir)).toBeGreaterThan(40);
    const runs = await new GitExperimentScanner(makeIsoGitReader(git, fs, dir)).scan();
    expect(runs.find((e) => e.run.name === 'step 11')?.run.params).toEqual({ lr: '0.11', 'model.depth': '2' });
  });

  it('a long-lived reader finds objects packed or written after it started', async () => {
    const dir = await makeRepo('later');
    await sh(dir, 'gc', '-q');
    const reader = makeIsoGitReader(git, fs, dir);
    const first = (await sh(dir, 'rev-parse', 'HEAD')).trim();
    expect((await reader.readCommit(first)).message).toBe('signed\n');
    fs.writeFileSync(path.join(dir, 'params.yml'), 'lr: 0.7\n');
    await sh(dir, 'commit', '-q', '-am', 'loose one');
    const loose = (await sh(dir, 'rev-parse', 'HEAD')).trim();
    expect((await reader.readCommit(loose)).parents).toEqual([first]);
    // gc replaces the pack the reader had open and packs the loose objects.
    fs.writeFileSync(path.join(dir, 'params.yml'), 'lr: 0.8\n');
    await sh(dir, 'commit', '-q', '-am', 'packed one');
    await sh(dir, 'gc', '-q', '--prune=now');
    const packed = (await sh(dir, 'rev-parse', 'HEAD')).trim();
    expect((await reader.readCommit(packed)).parents).toEqual([loose]);
    expect((await reader.readCommit(loose)).message).toBe('loose one\n');
    const runs = await new GitExperimentScanner(reader).scan();
    expect(runs[0]?.run.params).toEqual({ lr: '0.8' });
  });

  it('refuses a damaged pack with a typed error', async () => {
    const dir = await makeRepo('damaged');
    await sh(dir, 'gc', '-q');
    const pack = fs.readdirSync(path.join(dir, '.git/objects/pack')).find((n) => n.endsWith('.pack')) as string;
    const file = path.join(dir, '.git/objects/pack', pack);
    const bytes = fs.readFileSync(file);
    for (let i = 12; i < bytes.length - 20; i += 7) bytes[i] = (bytes[i] as number) ^ 0x5a;
    fs.writeFileSync(file, bytes);
    const reader = makeIsoGitReader(git, fs, dir);
    const head = (await sh(dir, 'rev-parse', 'HEAD')).trim();
    await expect(reader.readCommit(head)).rejects.toBeInstanceOf(GitObjectError);
  });
});
