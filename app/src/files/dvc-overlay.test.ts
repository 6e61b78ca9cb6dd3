import { createHash } from 'node:crypto';
import { ParseError } from '@cairn/core/errors';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBlobBytes } from '../git/read-blob.ts';
import type { GitTreeEntry } from '../git/read-context.ts';
import { makeReadContext } from '../git/read-context.ts';
import { makeTestRepo } from '../git/read-test-repo.ts';
import { readPathAt } from '../git/read-tree.ts';
import { getBlobStore, objectId } from '../storage/blobs.ts';
import { loadManifest } from './browse-load.ts';
import type { ManifestEntry } from './dir-manifest.ts';
import { type BrowseSource, resolveBrowsePath } from './dvc-overlay.ts';

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
    loadManifest: async (id) => (id === `md5/${RAW_DIR}` && manifestOnDevice ? manifest : null),
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
      object: `md5/${'b'.repeat(32)}`,
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
    await expect(resolveBrowsePath(source, 'data/raw/nope.csv')).rejects.toMatchObject({ code: 'path_not_found' });
    await expect(resolveBrowsePath(source, 'data/other')).rejects.toMatchObject({ code: 'path_not_found' });
    await expect(resolveBrowsePath(source, 'README.md/x')).rejects.toMatchObject({ code: 'path_not_found' });
  });
});

/** A one-folder commit held in memory: `.dvc` texts by name (the BrowseSource port, no git). */
function folderSource(pointers: Record<string, string>, manifests: Record<string, ManifestEntry[]> = {}): BrowseSource {
  const entries: GitTreeEntry[] = Object.keys(pointers).map((name) => ({
    name,
    path: name,
    type: 'blob',
    oid: name,
    mode: '100644',
  }));
  return {
    readPath: async (path) => {
      if (path === '') return { type: 'tree', oid: 'root', path: '', entries };
      const e = entries.find((x) => x.path === path);
      if (!e) throw new Error(`no ${path}`);
      return { type: 'blob', oid: e.oid, path, mode: e.mode };
    },
    readText: async (oid) => pointers[oid] ?? '',
    loadManifest: async (id) => manifests[id] ?? null,
  };
}

const md5hex = (text: string) => createHash('md5').update(text).digest('hex');

describe('the .dvc overlay: unsafe paths and hash kinds', () => {
  it('refuses .dvc outs that leave the repository or are absolute, and says where', async () => {
    const source = folderSource({
      'escape.dvc': `outs:\n- md5: ${'a'.repeat(32)}\n  hash: md5\n  path: ../outside\n`,
      'absolute.dvc': `outs:\n- md5: ${'b'.repeat(32)}\n  hash: md5\n  path: /etc/passwd\n`,
      'fine.dvc': `outs:\n- md5: ${'c'.repeat(32)}\n  hash: md5\n  path: fine.csv\n`,
    });
    const target = await resolveBrowsePath(source, '');
    expect(target.kind === 'folder' && target.entries.filter((e) => e.source === 'dvc').map((e) => e.path)).toEqual([
      'fine.csv',
    ]);
    const warnings = target.kind === 'folder' ? target.warnings : [];
    expect(warnings).toHaveLength(2);
    expect(warnings.find((w) => w.startsWith('escape.dvc:4:'))).toContain("'../outside' leads outside the repository");
    expect(warnings.find((w) => w.startsWith('absolute.dvc:4:'))).toContain('is absolute');
    await expect(resolveBrowsePath(source, 'outside')).rejects.toMatchObject({ code: 'path_not_found' });
  });

  it('names a legacy out and a DVC 3 out of the same hex as two different cache objects', async () => {
    const hex = md5hex('x,y\n1,2\n'); // DVC 2's name for the CRLF file = DVC 3's name for its LF form
    const source = folderSource({
      'old.dvc': `outs:\n- md5: ${hex}\n  size: 11\n  path: crlf.csv\n`,
      'new.dvc': `outs:\n- md5: ${hex}\n  size: 9\n  hash: md5\n  path: lf.csv\n`,
    });
    expect(await resolveBrowsePath(source, 'crlf.csv')).toMatchObject({
      kind: 'dvc-file',
      object: `md5-dos2unix/${hex}`,
      legacy: true,
    });
    expect(await resolveBrowsePath(source, 'lf.csv')).toMatchObject({ kind: 'dvc-file', object: `md5/${hex}` });
  });

  it('files inside a legacy folder are legacy objects too', async () => {
    const dir = `${'d'.repeat(32)}.dir`;
    const source = folderSource(
      { 'raw.dvc': `outs:\n- md5: ${dir}\n  nfiles: 1\n  path: raw\n` },
      { [`md5-dos2unix/${dir}`]: [{ relpath: 'a.txt', md5: 'e'.repeat(32), size: 3 }] },
    );
    expect(await resolveBrowsePath(source, 'raw/a.txt')).toMatchObject({ object: `md5-dos2unix/${'e'.repeat(32)}` });
  });

  it('a cached .dir manifest with an unsafe relpath is refused, not listed', async () => {
    const text = JSON.stringify([{ md5: 'a'.repeat(32), relpath: '../../escape.txt' }]);
    const id = objectId('md5', `${md5hex(text)}.dir`);
    await getBlobStore().put(id, new TextEncoder().encode(text));
    const error = await loadManifest(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: 'schema', file: id, path: '0.relpath' });
  });
});
