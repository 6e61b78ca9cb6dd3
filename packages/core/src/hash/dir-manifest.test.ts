import fc from 'fast-check';
import ignore from 'ignore';
import { describe, expect, it } from 'vitest';
import { type DirEntry, dirHash, parseDirManifest, serialiseDirManifest } from './dir-manifest.ts';
import { DvcIgnore, hasPatternLine } from './dvcignore.ts';
import { hashWasmMd5 } from './md5.ts';
import { compareCodePoints, pythonJsonDumps } from './python-json.ts';

// core compiles without DOM or Node types; every runtime it targets has these.
declare const TextEncoder: { new (): { encode(s: string): Uint8Array } };
declare const TextDecoder: { new (): { decode(b: Uint8Array): string } };

const md5 = hashWasmMd5();

// Expected text and hash computed with Python 3: json.dumps(sorted(entries, key=relpath), sort_keys=True).
const entries: DirEntry[] = [
  { md5: '0'.repeat(32), relpath: 'a/b.txt' },
  { md5: '1'.repeat(32), relpath: 'a-b.txt' },
  { md5: '2'.repeat(32), relpath: 'café/日本.csv' },
  { md5: '3'.repeat(32), relpath: 'z😀.bin' },
  { md5: '4'.repeat(32), relpath: 'z～.bin' },
  { md5: '5'.repeat(32), relpath: 'q"uote\\back' },
];
const pythonText =
  '[{"md5": "11111111111111111111111111111111", "relpath": "a-b.txt"}, {"md5": "00000000000000000000000000000000", "relpath": "a/b.txt"}, {"md5": "22222222222222222222222222222222", "relpath": "caf\\u00e9/\\u65e5\\u672c.csv"}, {"md5": "55555555555555555555555555555555", "relpath": "q\\"uote\\\\back"}, {"md5": "44444444444444444444444444444444", "relpath": "z\\uff5e.bin"}, {"md5": "33333333333333333333333333333333", "relpath": "z\\ud83d\\ude00.bin"}]';

describe('.dir manifests', () => {
  it("serialises byte-identically to Python's json.dumps(sort_keys=True)", () => {
    expect(serialiseDirManifest(entries)).toBe(pythonText);
  });

  it('hashes nested and unicode names as DVC does, with the .dir suffix', async () => {
    const h = await dirHash(entries, md5);
    expect(h.oid).toBe('77fc96fd0e92ca997fba9184bff3f73b.dir');
    expect(h.nfiles).toBe(6);
    expect(new TextDecoder().decode(h.bytes)).toBe(pythonText);
  });

  it('an empty directory is the empty list', async () => {
    expect((await dirHash([], md5)).oid).toBe('d751713988987e9331980363e24189ce.dir');
  });

  it('sums sizes only when every entry has one', async () => {
    expect((await dirHash([{ relpath: 'a', md5: 'a'.repeat(32), size: 3 }], md5)).size).toBe(3);
    expect((await dirHash([{ relpath: 'a', md5: 'a'.repeat(32) }], md5)).size).toBeUndefined();
  });

  it('hashes the meta-less form even when entries carry size and isexec', async () => {
    const withMeta = entries.map((e) => ({ ...e, size: 10, isexec: false }));
    expect((await dirHash(withMeta, md5)).oid).toBe('77fc96fd0e92ca997fba9184bff3f73b.dir');
  });

  it('parses manifests back, ignoring extra keys', () => {
    const parsed = parseDirManifest(
      '[{"md5": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "relpath": "x/y", "size": 4, "isexec": true, "mtime": 1}]',
    );
    expect(parsed).toEqual({
      ok: true,
      value: [{ md5: 'a'.repeat(32), relpath: 'x/y', size: 4, isexec: true }],
    });
    const round = parseDirManifest(pythonText);
    expect(round.ok && serialiseDirManifest(round.value)).toBe(pythonText);
  });

  it('refuses manifests whose names could escape the directory, with a typed error', () => {
    for (const bad of ['../etc/passwd', '/abs', 'a//b', 'a/./b', '']) {
      const r = parseDirManifest(JSON.stringify([{ md5: 'a'.repeat(32), relpath: bad }]));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('schema');
    }
    const r = parseDirManifest('{not json');
    expect(!r.ok && r.error.code).toBe('json_syntax');
  });

  it('fuzz: any text gives a value or a typed error, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const r = parseDirManifest(text);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });

  it('fuzz: Python-compatible JSON escapes round-trip through JSON.parse', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const text = pythonJsonDumps({ s });
        expect(/^[\x20-\x7e]*$/.test(text)).toBe(true);
        expect(JSON.parse(text)).toEqual({ s });
      }),
    );
  });

  it('orders by code point, not UTF-16 unit', () => {
    expect(compareCodePoints('😀', '～')).toBeGreaterThan(0); // U+1F600 > U+FF5E
    expect('😀' < '～').toBe(true); // …whereas JS string order says the opposite
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const cp = (s: string) => [...s].map((c) => c.codePointAt(0)!);
        const x = cp(a);
        const y = cp(b);
        let expected = 0;
        for (let i = 0; i < Math.min(x.length, y.length) && expected === 0; i++) expected = x[i]! - y[i]!;
        if (expected === 0) expected = x.length - y.length;
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(expected));
      }),
    );
  });
});

describe('.dvcignore', () => {
  it('applies each file to paths under its own directory, gitignore syntax', () => {
    const ig = new DvcIgnore();
    ig.addFile('', '*.tmp\n/build\n');
    ig.addFile('data', 'raw/\n!keep.tmp\n');
    expect(ig.ignores('x.tmp')).toBe(true);
    expect(ig.ignores('data/y.tmp')).toBe(true);
    expect(ig.ignores('build', true)).toBe(true);
    expect(ig.ignores('data/build', true)).toBe(false);
    expect(ig.ignores('data/raw', true)).toBe(true);
    expect(ig.ignores('raw', true)).toBe(false);
    expect(ig.ignores('data/file.csv')).toBe(false);
    expect(ig.ignores('.git', true)).toBe(true);
    expect(ig.ignores('sub/.dvc', true)).toBe(true);
  });

  it("treats dvc init's comment-only file as no patterns, and any other line as one", () => {
    const init =
      '# Add patterns of files dvc should ignore, which could improve\n# the performance. Learn more at\n# https://dvc.org/doc/user-guide/dvcignore\n';
    expect(hasPatternLine(init)).toBe(false);
    expect(hasPatternLine('\n  \r\n# only a comment\r\n')).toBe(false);
    expect(hasPatternLine('# c\n*.tmp\n')).toBe(true);
    expect(hasPatternLine('\\#not-a-comment')).toBe(true);
    expect(hasPatternLine(' #leading-space')).toBe(true);
  });

  it('ignores exactly what the `ignore` package says for any .dvcignore text, comment-only or not', () => {
    // The fast path (no pattern line) must never change an answer.
    const line = fc.oneof(
      fc.constantFrom('# comment', '', '   ', '*.tmp', 'raw/', '!keep.tmp', '\\#hash', ' #x', '/build', 'a*'),
      fc.stringMatching(/^[#!a-z*/. ]{0,6}$/),
    );
    // A walk's names: never `.` or `..`.
    const name = fc.stringMatching(/^[a-z#.]{1,5}$/).filter((n) => n !== '.' && n !== '..');
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 6 }),
        fc.array(name, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (lines, parts, isDir) => {
          const text = lines.join('\n');
          const ig = new DvcIgnore();
          ig.addFile('', text);
          const p = parts.join('/');
          const alwaysIgnored = isDir && ['.git', '.hg', '.dvc'].includes(parts.at(-1) as string);
          const byLibrary = ignore()
            .add(['.git/', '.hg/', '.dvc/'])
            .add(text)
            .ignores(isDir ? `${p}/` : p);
          expect(ig.ignores(p, isDir)).toBe(byLibrary || alwaysIgnored);
        },
      ),
      { numRuns: 300 },
    );
  });
});
