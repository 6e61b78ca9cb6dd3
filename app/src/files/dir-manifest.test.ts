import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DirManifestError, listManifestFolder, parseDirManifest } from './dir-manifest.ts';

const a = 'a'.repeat(32);
const b = 'b'.repeat(32);
const c = 'c'.repeat(32);

describe('.dir manifests', () => {
  const text = JSON.stringify([
    { md5: b, relpath: 'sub/b.bin', size: 20 },
    { md5: a, relpath: 'a.txt', size: 10, isexec: false },
    { md5: c, relpath: 'sub/deep/c.csv', size: 5 },
  ]);

  it('parses and sorts entries, keeping sizes when present', () => {
    expect(parseDirManifest(text, 'x.dir').map((e) => [e.relpath, e.size])).toEqual([
      ['a.txt', 10],
      ['sub/b.bin', 20],
      ['sub/deep/c.csv', 5],
    ]);
    expect(parseDirManifest(`[{"md5": "${a}", "relpath": "a"}]`, 'x.dir')[0]?.size).toBeNull();
  });

  it('lists a folder level with subfolder totals', () => {
    const entries = parseDirManifest(text, 'x.dir');
    expect(listManifestFolder(entries, '')).toEqual([
      { type: 'folder', name: 'sub', relpath: 'sub', size: 25, nfiles: 2 },
      { type: 'file', name: 'a.txt', relpath: 'a.txt', md5: a, size: 10 },
    ]);
    expect(listManifestFolder(entries, 'sub')?.map((c) => c.name)).toEqual(['deep', 'b.bin']);
    expect(listManifestFolder(entries, 'nope')).toBeNull();
  });

  it('refuses broken and unsafe manifests with a typed error', () => {
    expect(() => parseDirManifest('{', 'x.dir')).toThrow(DirManifestError);
    expect(() => parseDirManifest('{}', 'x.dir')).toThrow(/array/);
    expect(() => parseDirManifest(`[{"md5": "${a}", "relpath": "../etc/passwd"}]`, 'x.dir')).toThrow(/unsafe/);
    expect(() => parseDirManifest('[{"relpath": "a"}]', 'x.dir')).toThrow(DirManifestError);
  });

  it('never throws anything else on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.json(), (json) => {
        try {
          parseDirManifest(json, 'x.dir');
        } catch (error) {
          if (!(error instanceof DirManifestError)) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });
});
