import fs from 'node:fs';
import path from 'node:path';
import { ParseError } from '@cairn/core/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDvcPointer } from './dvc-pointer.ts';
import { parseErrorOf } from './parse-error-of.ts';

const fixtures = path.resolve(import.meta.dirname, '../../../test/fixtures');

describe('parseDvcPointer (core parseDvcFile, reshaped for the browser)', () => {
  it('reads a DVC 3 import file (example-get-started)', () => {
    const text = fs.readFileSync(path.join(fixtures, 'example-get-started/main/data/data.xml.dvc'), 'utf8');
    expect(parseDvcPointer(text, 'data/data.xml.dvc')).toEqual([
      {
        path: 'data.xml',
        oid: '22a1a2931c8370d3aeedd7183606fd7f',
        algorithm: 'md5',
        object: 'md5/22a1a2931c8370d3aeedd7183606fd7f',
        isDir: false,
        legacy: false,
        size: 14445097,
        nfiles: null,
      },
    ]);
  });

  it('reads a folder out, and a legacy hash without `hash: md5` as an md5-dos2unix object', () => {
    const outs = parseDvcPointer(
      'outs:\n- md5: 153AAD06D376B6595932470E459EF42A.dir\n  size: 10\n  nfiles: 2\n  path: prepared/\n',
      'x.dvc',
    );
    expect(outs).toEqual([
      {
        path: 'prepared',
        oid: '153aad06d376b6595932470e459ef42a.dir',
        algorithm: 'md5-dos2unix',
        object: 'md5-dos2unix/153aad06d376b6595932470e459ef42a.dir',
        isDir: true,
        legacy: true,
        size: 10,
        nfiles: 2,
      },
    ]);
  });

  it('parses DVC 0.x stage files and leaves out outs kept in git', () => {
    const text = fs.readFileSync(path.join(fixtures, 'dagshub-logger-legacy/hyperparams-as-output.train.dvc'), 'utf8');
    // Both outs (params.yml, metrics.csv) are `cache: false`: kept in git, so no data to overlay.
    expect(parseDvcPointer(text, 'train.dvc')).toEqual([]);
  });

  it('leaves out external outputs and unknown hash kinds, which the browser cannot fetch', () => {
    const text =
      'outs:\n- etag: abc\n  path: s3://bucket/x\n- md5: 0123456789abcdef0123456789abcdef\n  hash: sha256\n  path: y\n';
    expect(parseDvcPointer(text, 'a.dvc')).toEqual([]);
  });

  it('gives the typed code, file, line and column for broken YAML', () => {
    const error = parseErrorOf(() => parseDvcPointer('outs:\n- md5: abc\n  path: [unclosed\n', 'data/x.dvc'));
    expect(error.code).toBe('yaml_syntax');
    expect(error.file).toBe('data/x.dvc');
    expect(error.line).toBeGreaterThan(1);
    expect(error.describe()).toMatch(/^data\/x\.dvc:\d+:\d+: /);
  });

  it('refuses outs without a path, or with a hash that is not an MD5, at their line', () => {
    const noPath = parseErrorOf(() => parseDvcPointer('outs:\n- md5: 0123456789abcdef0123456789abcdef\n', 'a.dvc'));
    expect(noPath).toMatchObject({ code: 'schema', file: 'a.dvc', line: 2 });
    expect(noPath.message).toContain('every entry needs a non-empty string `path`');
    const badHash = parseErrorOf(() => parseDvcPointer('outs:\n- path: a\n  md5: nothex\n', 'a.dvc'));
    expect(badHash).toMatchObject({ code: 'schema', file: 'a.dvc', line: 3, path: 'outs.0.md5' });
    expect(parseErrorOf(() => parseDvcPointer('- just a list\n', 'a.dvc')).code).toBe('schema');
  });

  it('refuses out paths that leave the repository or are absolute (unsafe_path)', () => {
    for (const [bad, line] of [
      ['../../etc/passwd', 3],
      ['/etc/passwd', 3],
      ['..\\outside', 3],
    ] as const) {
      const error = parseErrorOf(() =>
        parseDvcPointer(
          `outs:\n- md5: 0123456789abcdef0123456789abcdef\n  path: ${JSON.stringify(bad)}\n`,
          'data/x.dvc',
        ),
      );
      expect(error).toMatchObject({ code: 'unsafe_path', file: 'data/x.dvc', line });
    }
    // Climbing out of its folder but staying in the repository is fine.
    expect(
      parseDvcPointer('outs:\n- md5: 0123456789abcdef0123456789abcdef\n  path: ../model.pkl\n', 'data/x.dvc')[0]?.path,
    ).toBe('../model.pkl');
  });

  it('never throws anything but ParseError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseDvcPointer(text, 'f.dvc');
        } catch (error) {
          if (!(error instanceof ParseError)) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });
});
