import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyDelta,
  GitObjectError,
  Pack,
  PackIndex,
  parseCommit,
  parseLooseObject,
  parseTree,
} from './git-objects.ts';

const enc = new TextEncoder();

/** An "inflate" for tests that takes the bytes as they are (the formats, not zlib, are tested here). */
const identity = (d: Uint8Array) => d;

function expectTypedOrValue(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GitObjectError);
  }
}

describe('git object formats', () => {
  it('applies copy and insert delta opcodes', () => {
    const base = enc.encode('hello, world');
    // base size 12, result size 13; copy 7 bytes at 0 ("hello, "), insert "there!".
    const delta = Uint8Array.from([12, 13, 0x80 | 0x10, 7, 6, ...enc.encode('there!')]);
    expect(new TextDecoder().decode(applyDelta(delta, base))).toBe('hello, there!');
    // A copy at an offset: bytes 7..12 ("world").
    const copy = Uint8Array.from([12, 5, 0x80 | 0x01 | 0x10, 7, 5]);
    expect(new TextDecoder().decode(applyDelta(copy, base))).toBe('world');
    expect(() => applyDelta(Uint8Array.from([11, 1, 1, 65]), base)).toThrow(GitObjectError);
    expect(() => applyDelta(Uint8Array.from([12, 5, 0x80 | 0x10, 20]), base)).toThrow(/out of range/);
  });

  it('parses a tree, a commit with a signature, and a loose object', () => {
    const id = Uint8Array.from({ length: 20 }, (_, i) => i);
    const tree = new Uint8Array([
      ...enc.encode('100644 params.yml\0'),
      ...id,
      ...enc.encode('40000 src\0'),
      ...id,
      ...enc.encode('160000 vendor\0'),
      ...id,
      ...enc.encode('100644 café.txt\0'),
      ...id,
    ]);
    const entries = parseTree(tree).map((e) => ({ name: e.name, mode: e.mode, type: e.type, oid: e.oid }));
    const hex = '000102030405060708090a0b0c0d0e0f10111213';
    expect(entries).toEqual([
      { name: 'params.yml', mode: '100644', type: 'blob', oid: hex },
      { name: 'src', mode: '040000', type: 'tree', oid: hex },
      { name: 'vendor', mode: '160000', type: 'commit', oid: hex },
      { name: 'café.txt', mode: '100644', type: 'blob', oid: hex },
    ]);
    const commit = parseCommit(
      'c'.repeat(40),
      enc.encode(
        `tree ${'a'.repeat(40)}\nparent ${'b'.repeat(40)}\nparent ${'d'.repeat(40)}\nauthor Ada L <ada@x.org> 1700000000 +0100\ncommitter Bob <bob@x.org> 1700000100 -0500\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n abc\n -----END PGP SIGNATURE-----\n\nTitle\n\nBody\n`,
      ),
    );
    expect(commit).toEqual({
      oid: 'c'.repeat(40),
      tree: 'a'.repeat(40),
      parents: ['b'.repeat(40), 'd'.repeat(40)],
      message: 'Title\n\nBody\n',
      author: { name: 'Ada L', email: 'ada@x.org', timestamp: 1700000000, timezoneOffset: -60 },
      committer: { name: 'Bob', email: 'bob@x.org', timestamp: 1700000100, timezoneOffset: 300 },
    });
    const loose = parseLooseObject(enc.encode('blob 3\0abc'), identity);
    expect(loose.type).toBe('blob');
    expect(new TextDecoder().decode(loose.content)).toBe('abc');
    expect(() => parseLooseObject(enc.encode('blob 4\0abc'), identity)).toThrow(GitObjectError);
    expect(() => parseLooseObject(enc.encode('blub 3\0abc'), identity)).toThrow(GitObjectError);
    expect(() => parseCommit('x', enc.encode('author A <a> 1 +0000\n\nno tree\n'))).toThrow(GitObjectError);
    expect(() => new PackIndex(new Uint8Array(100))).toThrow(GitObjectError);
  });

  it('finds objects through a v2 index and reads a damaged pack entry as a typed error', () => {
    const oid = 'ab'.repeat(20);
    const idx = new Uint8Array(8 + 1024 + 20 + 4 + 4 + 40);
    const view = new DataView(idx.buffer);
    view.setUint32(0, 0xff744f63);
    view.setUint32(4, 2);
    for (let b = 0xab; b < 256; b++) view.setUint32(8 + b * 4, 1);
    idx.set(
      Uint8Array.from({ length: 20 }, () => 0xab),
      8 + 1024,
    );
    view.setUint32(8 + 1024 + 20 + 4, 12);
    const index = new PackIndex(idx);
    expect(index.offsetOf(oid)).toBe(12);
    expect(index.offsetOf('cd'.repeat(20))).toBe(-1);
    expect(index.offsetOf('not an id')).toBe(-1);
    // A blob entry of 3 bytes at offset 12: type 3, size 3 → header byte 0x33.
    const pack = new Uint8Array([
      ...enc.encode('PACK'),
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      1,
      0x33,
      ...enc.encode('abc'),
      ...new Uint8Array(20),
    ]);
    const blob = new Pack(index, pack, identity, () => null).read(oid);
    expect(blob?.type).toBe('blob');
    expect(new TextDecoder().decode(blob?.content)).toBe('abc');
    // A REF_DELTA whose base is itself: refused, not an endless recursion.
    const loop = new Uint8Array([
      ...pack.subarray(0, 12),
      0x73,
      ...Uint8Array.from({ length: 20 }, () => 0xab),
      1,
      2,
      3,
      ...new Uint8Array(20),
    ]);
    expect(() => new Pack(index, loop, identity, () => null).read(oid)).toThrow(GitObjectError);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 60 }), (entry) => {
        const damaged = new Uint8Array([...pack.subarray(0, 12), ...entry, ...new Uint8Array(20)]);
        expectTypedOrValue(() => new Pack(index, damaged, identity, () => null).read(oid));
        expectTypedOrValue(() =>
          new Pack(
            index,
            damaged,
            () => {
              throw new Error('bad zlib');
            },
            () => null,
          ).read(oid),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('damaged bytes give a GitObjectError, never another exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 64 }), (bytes, base) => {
        expectTypedOrValue(() => parseTree(bytes));
        expectTypedOrValue(() => parseCommit('0'.repeat(40), bytes));
        expectTypedOrValue(() => applyDelta(bytes, base));
        expectTypedOrValue(() => parseLooseObject(bytes, identity));
        expectTypedOrValue(() =>
          parseLooseObject(bytes, () => {
            throw new Error('bad zlib');
          }),
        );
        expectTypedOrValue(() => new PackIndex(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});
