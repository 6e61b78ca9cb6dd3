import { describe, expect, it } from 'vitest';
import type { FileChange } from '../git/read-changes.ts';
import { withRenames } from './diff-entry.ts';

const changes: FileChange[] = [
  { path: 'src/a.py', kind: 'deleted', before: 'a1', after: null },
  { path: 'src/b.py', kind: 'added', before: null, after: 'b1' },
  { path: 'src/model.py', kind: 'modified', before: 'm1', after: 'm2' },
  { path: 'src/model_v2.py', kind: 'added', before: null, after: 'v1' },
  { path: 'notes.md', kind: 'added', before: null, after: 'n1' },
];

describe('withRenames', () => {
  it('folds a rename into one entry and diffs a copy against the old version of the file it copies', () => {
    const entries = withRenames(
      changes,
      [{ from: 'src/a.py', to: 'src/b.py', score: 0.9 }],
      [{ from: 'src/model.py', to: 'src/model_v2.py', score: 0.8 }],
    );
    expect(entries.map((e) => [e.kind, e.oldPath, e.path, e.before, e.after])).toEqual([
      ['renamed', 'src/a.py', 'src/b.py', 'a1', 'b1'],
      ['modified', 'src/model.py', 'src/model.py', 'm1', 'm2'],
      ['copied', 'src/model.py', 'src/model_v2.py', 'm1', 'v1'],
      ['added', 'notes.md', 'notes.md', null, 'n1'],
    ]);
    expect(entries[2]?.similarity).toBe(0.8);
  });

  it('diffs a copy of a file no change lists (left unchanged) against that file’s blob', () => {
    const entries = withRenames(changes, [], [{ from: 'README.md', to: 'notes.md', score: 0.6, fromOid: 'r1' }]);
    expect(entries.find((e) => e.path === 'notes.md')).toMatchObject({
      kind: 'copied',
      oldPath: 'README.md',
      before: 'r1',
      after: 'n1',
    });
  });
});
