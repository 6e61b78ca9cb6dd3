import { ParseError } from '@cairn/core/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listManifestFolder, parseDirManifest } from './dir-manifest.ts';
import { parseErrorOf } from './parse-error-of.ts';

const a = 'a'.repeat(32);
const b = 'b'.repeat(32);
const c = 'c'.repeat(32);

describe('.dir manifests (core parseDirManifest, listed for the browser)', () => {
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

  it('refuses broken manifests with core’s typed error, naming the manifest', () => {
    expect(parseErrorOf(() => parseDirManifest('{', 'md5/x.dir'))).toMatchObject({
      code: 'json_syntax',
      file: 'md5/x.dir',
    });
    const notList = parseErrorOf(() => parseDirManifest('{}', 'x.dir'));
    expect(notList).toMatchObject({ code: 'schema', message: 'a .dir manifest must be a JSON list' });
    expect(parseErrorOf(() => parseDirManifest('[{"relpath": "a"}]', 'x.dir'))).toMatchObject({
      code: 'schema',
      path: '0.md5',
    });
  });

  it('refuses relpaths that would leave the folder or are absolute', () => {
    for (const bad of ['../etc/passwd', '/etc/passwd', 'a/../../b', 'a//b']) {
      const error = parseErrorOf(() => parseDirManifest(JSON.stringify([{ md5: a, relpath: bad }]), 'x.dir'));
      expect(error).toMatchObject({ code: 'schema', file: 'x.dir', path: '0.relpath' });
      expect(error.message).toMatch(/^entry 0: relpath /);
    }
  });

  it('never throws anything but ParseError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.json(), (json) => {
        try {
          parseDirManifest(json, 'x.dir');
        } catch (error) {
          if (!(error instanceof ParseError)) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });
});
