import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffDirManifests } from './dir-diff.ts';

const f = (relpath: string, md5: string, size = 10) => ({ relpath, md5, size });

describe('diffDirManifests', () => {
  it('lists added, deleted, modified and renamed files with the size change, as dvc diff does', () => {
    const d = diffDirManifests(
      [f('a.png', '1'), f('b.png', '2'), f('c.png', '3'), f('keep.png', '4')],
      [f('a.png', '9', 12), f('moved/b.png', '2'), f('new.png', '5', 7), f('keep.png', '4')],
    );
    expect(d.changes.map((c) => `${c.kind}:${c.oldPath ? `${c.oldPath}->` : ''}${c.path}`)).toEqual([
      'modified:a.png',
      'deleted:c.png',
      'renamed:b.png->moved/b.png',
      'added:new.png',
    ]);
    expect(d.summary).toEqual({ added: 1, deleted: 1, modified: 1, renamed: 1, unchanged: 1 });
    expect(d.sizeChange).toBe(12 + 10 + 7 + 10 - 40);
  });

  it('accounts for every file of both manifests (fuzz)', () => {
    const files = fc.uniqueArray(
      fc.record({
        relpath: fc.constantFrom('a', 'b', 'c', 'd/e', 'f'),
        md5: fc.constantFrom('1', '2', '3'),
        size: fc.nat(100),
      }),
      {
        selector: (x) => x.relpath,
      },
    );
    fc.assert(
      fc.property(files, files, (a, b) => {
        const d = diffDirManifests(a, b);
        const s = d.summary;
        expect(s.deleted + s.modified + s.renamed + s.unchanged).toBe(a.length);
        expect(s.added + s.modified + s.renamed + s.unchanged).toBe(b.length);
      }),
    );
  });
});
