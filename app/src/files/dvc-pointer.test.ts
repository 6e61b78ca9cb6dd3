import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DvcPointerError, parseDvcPointer } from './dvc-pointer.ts';

const fixtures = path.resolve(import.meta.dirname, '../../../../shared/fixtures');

describe('parseDvcPointer', () => {
  it('reads a DVC 3 import file (example-get-started)', () => {
    const text = fs.readFileSync(path.join(fixtures, 'example-get-started/main/data/data.xml.dvc'), 'utf8');
    expect(parseDvcPointer(text, 'data/data.xml.dvc')).toEqual([
      {
        path: 'data.xml',
        oid: '22a1a2931c8370d3aeedd7183606fd7f',
        isDir: false,
        legacy: false,
        size: 14445097,
        nfiles: null,
      },
    ]);
  });

  it('reads a folder out, and a legacy hash without `hash: md5`', () => {
    const outs = parseDvcPointer(
      'outs:\n- md5: 153AAD06D376B6595932470E459EF42A.dir\n  size: 10\n  nfiles: 2\n  path: prepared/\n',
      'x.dvc',
    );
    expect(outs).toEqual([
      { path: 'prepared', oid: '153aad06d376b6595932470e459ef42a.dir', isDir: true, legacy: true, size: 10, nfiles: 2 },
    ]);
  });

  it('parses DVC 0.x stage files and leaves out outs kept in git', () => {
    const text = fs.readFileSync(path.join(fixtures, 'dagshub-logger-legacy/hyperparams-as-output.train.dvc'), 'utf8');
    // Both outs (params.yml, metrics.csv) are `cache: false`: kept in git, so no data to overlay.
    expect(parseDvcPointer(text, 'train.dvc')).toEqual([]);
  });

  it('gives file, line and column for broken YAML', () => {
    const error = (() => {
      try {
        parseDvcPointer('outs:\n- md5: abc\n  path: [unclosed\n', 'data/x.dvc');
      } catch (e) {
        return e;
      }
    })() as DvcPointerError;
    expect(error).toBeInstanceOf(DvcPointerError);
    expect(error.code).toBe('DVC_POINTER_INVALID');
    expect(error.file).toBe('data/x.dvc');
    expect(error.line).toBeGreaterThan(1);
  });

  it('refuses outs without a path or with a malformed hash', () => {
    expect(() => parseDvcPointer('outs:\n- md5: 0123456789abcdef0123456789abcdef\n', 'a.dvc')).toThrow(/no `path`/);
    expect(() => parseDvcPointer('outs:\n- md5: nothex\n  path: a\n', 'a.dvc')).toThrow(DvcPointerError);
    expect(() => parseDvcPointer('- just a list\n', 'a.dvc')).toThrow(DvcPointerError);
  });

  it('never throws anything but DvcPointerError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseDvcPointer(text, 'f.dvc');
        } catch (error) {
          if (!(error instanceof DvcPointerError)) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });
});
