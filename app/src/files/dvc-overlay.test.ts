import { beforeAll, describe, expect, it } from 'vitest';
import { readBlobBytes } from '../git/read-blob.ts';
import { makeReadContext } from '../git/read-context.ts';
import { makeTestRepo } from '../git/read-test-repo.ts';
import { readPathAt } from '../git/read-tree.ts';
import type { ManifestEntry } from './dir-manifest.ts';
import { type BrowseSource, joinRepoPath, resolveBrowsePath } from './dvc-overlay.ts';

const RAW_DIR = '0123456789abcdef0123456789abcdef.dir';
const manifest: ManifestEntry[] = [
  { relpath: 'images/cat.png', md5: 'a'.repeat(32), size: 10 },
  { relpath: 'labels.csv', md5: 'b'.repeat(32), size: 20 },
];

let source: BrowseSource;
let manifestOnDevice = true;

beforeAll(async () => {
  const repo = await makeTestRepo();
  const ctx = makeReadContext(repo.fs, repo.dir);
  source = {
    readPath: (path) => readPathAt(ctx, repo.commits.third, path),
    readText: async (oid) => new TextDecoder().decode(await readBlobBytes(ctx, oid)),
    loadManifest: async (oid) => (oid === RAW_DIR && manifestOnDevice ? manifest : null),
  };
});

describe('the .dvc overlay', () => {
  it('lists a tracked folder beside its pointer, with size and file count', async () => {
    const target = await resolveBrowsePath(source, 'data');
    expect(target.kind).toBe('folder');
    if (target.kind !== 'folder') return;
    expect(target.entries.map((e) => [e.name, e.type, e.source, e.size, e.nfiles])).toEqual([
      ['raw', 'folder', 'dvc', 30, 2],
      ['raw.dvc', 'file', 'git', null, null],
    ]);
    expect(target.entries[1]?.tracks).toEqual(['raw']);
  });

  it('lists inside the tracked folder from its manifest', async () => {
    const top = await resolveBrowsePath(source, 'data/raw');
    expect(top.kind === 'dvc-folder' && top.entries.map((e) => [e.path, e.type, e.size])).toEqual([
      ['data/raw/images', 'folder', 10],
      ['data/raw/labels.csv', 'file', 20],
    ]);
    const sub = await resolveBrowsePath(source, 'data/raw/images');
    expect(sub.kind === 'dvc-folder' && sub.entries.map((e) => e.path)).toEqual(['data/raw/images/cat.png']);
  });

  it('opens a tracked file as data with its md5 and size', async () => {
    expect(await resolveBrowsePath(source, 'data/raw/labels.csv')).toMatchObject({
      kind: 'dvc-file',
      oid: 'b'.repeat(32),
      size: 20,
      legacy: false,
      out: { pointer: 'data/raw.dvc' },
    });
  });

  it('says when the manifest is not on this device instead of failing', async () => {
    manifestOnDevice = false;
    try {
      expect(await resolveBrowsePath(source, 'data/raw/labels.csv')).toMatchObject({
        kind: 'dvc-folder-missing',
        out: { oid: RAW_DIR },
      });
    } finally {
      manifestOnDevice = true;
    }
  });

  it('still resolves plain git paths and rejects unknown ones', async () => {
    expect(await resolveBrowsePath(source, 'src/train.py')).toMatchObject({ kind: 'git-file' });
    await expect(resolveBrowsePath(source, 'data/raw/nope.csv')).rejects.toMatchObject({ code: 'PATH_NOT_FOUND' });
    await expect(resolveBrowsePath(source, 'data/other')).rejects.toMatchObject({ code: 'PATH_NOT_FOUND' });
    await expect(resolveBrowsePath(source, 'README.md/x')).rejects.toMatchObject({ code: 'PATH_NOT_FOUND' });
  });

  it('joins out paths relative to the pointer and refuses escapes', () => {
    expect(joinRepoPath('data', 'raw')).toBe('data/raw');
    expect(joinRepoPath('data', '../model.pkl')).toBe('model.pkl');
    expect(joinRepoPath('', '../x')).toBeNull();
  });
});
