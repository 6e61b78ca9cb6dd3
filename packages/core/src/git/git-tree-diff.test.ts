import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GitObjectError } from './git-objects.ts';
import { countChangedFiles, diffTrees } from './git-tree-diff.ts';

const enc = new TextEncoder();
const id = (n: number) => Uint8Array.from({ length: 20 }, (_, i) => (i === 19 ? n : 0));
const hex = (n: number) => `${'0'.repeat(38)}${n.toString(16).padStart(2, '0')}`;

/** A raw tree from entries already in git's order (as git writes them). */
function tree(...entries: [mode: string, name: string, oid: number][]): Uint8Array {
  const parts: number[] = [];
  for (const [mode, name, oid] of entries) parts.push(...enc.encode(`${mode} ${name}\0`), ...id(oid));
  return Uint8Array.from(parts);
}

function store(trees: Record<string, Uint8Array>) {
  return async (oid: string) => {
    const t = trees[oid];
    if (!t) throw new Error(`no tree ${oid}`);
    return t;
  };
}

describe('tree diffs on raw trees', () => {
  it('pairs entries in git order: foo.txt sorts before the folder foo, a file turned folder is deleted + added', async () => {
    const read = store({
      [hex(100)]: tree(['100644', 'a', 1], ['100644', 'foo', 2], ['100644', 'foo.txt', 3], ['100644', 'z', 4]),
      [hex(101)]: tree(['100644', 'a', 1], ['100644', 'foo.txt', 5], ['40000', 'foo', 50], ['100755', 'z', 4]),
      [hex(50)]: tree(['100644', 'x', 6], ['160000', 'sub', 7]),
    });
    const changes = await diffTrees(read, hex(100), hex(101));
    expect(
      changes.map((c) => `${c.kind} ${c.path} ${c.before?.slice(-2) ?? '-'} ${c.after?.slice(-2) ?? '-'}`),
    ).toEqual(['deleted foo 02 -', 'modified foo.txt 03 05', 'added foo/sub - 07', 'added foo/x - 06']);
    // z changed mode only (same content): not a change, as before this reader.
    expect(await countChangedFiles(read, hex(100), hex(101))).toBe(4);
    expect(await diffTrees(read, hex(100), hex(100))).toEqual([]);
    expect((await diffTrees(read, null, hex(50))).map((c) => c.path)).toEqual(['sub', 'x']);
    expect((await diffTrees(read, hex(50), null)).map((c) => c.kind)).toEqual(['deleted', 'deleted']);
  });

  it('names non-ASCII paths and never reads subtrees with equal ids', async () => {
    const reads: string[] = [];
    const base = store({
      [hex(1)]: tree(['40000', 'big', 9], ['100644', 'café.txt', 2]),
      [hex(2)]: tree(['40000', 'big', 9], ['100644', 'café.txt', 3]),
    });
    const read = (oid: string) => {
      reads.push(oid);
      return base(oid);
    };
    expect((await diffTrees(read, hex(1), hex(2))).map((c) => c.path)).toEqual(['café.txt']);
    expect(reads).toEqual([hex(1), hex(2)]);
  });

  it('damaged trees give a GitObjectError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 80 }), async (bytes) => {
        const read = store({ [hex(1)]: bytes, [hex(2)]: tree(['100644', 'a', 1]) });
        try {
          await diffTrees(read, hex(1), hex(2));
        } catch (e) {
          expect(e).toBeInstanceOf(GitObjectError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
