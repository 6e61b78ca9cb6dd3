import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, GitObjectError } from './git-objects.ts';
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

  it('equals a diff of the flattened file lists, on random trees (aligned or not in memory)', async () => {
    // A folder: names to a file's id (1–3, so equal ids are common), a gitlink or a subfolder.
    type Spec = { [name: string]: number | 'gitlink' | Spec };
    const names = fc.constantFrom('a', 'b', 'ab', 'a.b', 'a-b', 'foo', 'foo.txt', 'é', 'long-name-of-a-file.py');
    const spec: fc.Arbitrary<Spec> = fc.letrec<{ tree: Spec }>((tie) => ({
      tree: fc.dictionary(
        names,
        fc.oneof(
          { weight: 6, arbitrary: fc.integer({ min: 1, max: 3 }) },
          { weight: 1, arbitrary: fc.constant('gitlink' as const) },
          { weight: 2, arbitrary: tie('tree') },
        ),
        { maxKeys: 6, depthIdentifier: 'tree' },
      ),
    })).tree;
    await fc.assert(
      fc.asyncProperty(spec, spec, fc.boolean(), fc.boolean(), async (before, after, unaligned, byId) => {
        // Trees stored by id; equal folders get equal ids, as in git.
        const trees: Record<string, Uint8Array> = {};
        const ids = new Map<string, number>();
        const write = (s: Spec): string => {
          const entries = Object.entries(s).map(([name, v]): [string, string, number] => {
            if (typeof v === 'number') return ['100644', name, v];
            if (v === 'gitlink') return ['160000', name, 9];
            return ['40000', name, Number.parseInt(write(v), 16)];
          });
          const key = (e: [string, string, number]) => enc.encode(e[0] === '40000' ? `${e[1]}/` : e[1]);
          entries.sort((x, y) => Buffer.compare(key(x), key(y)));
          const bytes = tree(...entries);
          const content = bytes.join(',');
          if (!ids.has(content)) ids.set(content, 100 + ids.size);
          const oid = hex(ids.get(content) as number);
          trees[oid] = bytes;
          return oid;
        };
        const read = (oid: string) => {
          const t = trees[oid] as Uint8Array;
          if (!unaligned) return t;
          const shifted = new Uint8Array(t.length + 1);
          shifted.set(t, 1);
          return shifted.subarray(1);
        };
        // Subtrees by the id bytes in their parent (as packed trees are read), or by hex id.
        const readById = byId ? (ids: Uint8Array, at: number) => read(bytesToHex(ids, at, at + 20)) : undefined;
        const flat = (s: Spec, prefix: string, out: Map<string, string>) => {
          for (const [name, v] of Object.entries(s)) {
            const path = prefix + name;
            if (typeof v === 'object') flat(v, `${path}/`, out);
            else out.set(path, v === 'gitlink' ? hex(9) : hex(v));
          }
          return out;
        };
        const l = flat(before, '', new Map());
        const r = flat(after, '', new Map());
        const expected = [...new Set([...l.keys(), ...r.keys()])]
          .filter((path) => l.get(path) !== r.get(path))
          .sort()
          .map((path) => ({
            path,
            kind: !l.has(path) ? 'added' : !r.has(path) ? 'deleted' : 'modified',
            before: l.get(path) ?? null,
            after: r.get(path) ?? null,
          }));
        const a = write(before);
        const b = write(after);
        expect(await diffTrees(async (oid) => read(oid), a, b, readById)).toEqual(expected);
        expect(await countChangedFiles(read, a, b, readById)).toBe(expected.length);
      }),
      { numRuns: 400 },
    );
  });
});
