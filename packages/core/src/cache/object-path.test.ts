import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CacheError, isDirOid, layoutOf, objectPath, parseObjectName, parseObjectPath } from './object-path.ts';

describe('object paths', () => {
  it('places data/prepared of example-get-started where DVC 2 and DVC 3 do', () => {
    const oid = '153aad06d376b6595932470e459ef42a.dir';
    expect(objectPath(oid, 'v2')).toBe('15/3aad06d376b6595932470e459ef42a.dir');
    expect(objectPath(oid, 'v3')).toBe('files/md5/15/3aad06d376b6595932470e459ef42a.dir');
    expect(isDirOid(oid)).toBe(true);
  });

  it('decides the layout per entry from its algorithm', () => {
    expect(layoutOf('md5')).toBe('v3');
    expect(layoutOf('md5-dos2unix')).toBe('v2');
  });

  it('refuses anything that is not an object id', () => {
    for (const bad of ['../../etc/passwd', '22A1A2931C8370D3AEEDD7183606FD7F', 'abc', `${'a'.repeat(32)}.dir/x`, '']) {
      expect(() => objectPath(bad, 'v3')).toThrow(CacheError);
    }
  });

  it('reads object paths back', () => {
    expect(parseObjectPath('files/md5/22/a1a2931c8370d3aeedd7183606fd7f')).toEqual({
      oid: '22a1a2931c8370d3aeedd7183606fd7f',
      layout: 'v3',
    });
    expect(parseObjectPath('15/3aad06d376b6595932470e459ef42a.dir')?.layout).toBe('v2');
    expect(parseObjectPath('files/md5/../x')).toBeUndefined();
  });
});

describe('object names in remote paths (moved from sync-server/src/dvc-remote, layouts named as in core)', () => {
  it('reads both layouts and .dir objects', () => {
    const h = '0123456789abcdef0123456789abcdef';
    expect(parseObjectName(`files/md5/01/${h.slice(2)}`)).toEqual({ md5: h, isDir: false, oid: h, layout: 'v3' });
    expect(parseObjectName(`01/${h.slice(2)}.dir`)).toEqual({ md5: h, isDir: true, oid: `${h}.dir`, layout: 'v2' });
  });

  it('never accepts a name that is not exactly 32 lowercase hex (fuzzed)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (rest) => {
        const o = parseObjectName(rest);
        if (o) {
          expect(o.md5).toMatch(/^[0-9a-f]{32}$/);
          expect(rest.endsWith(o.md5.slice(2)) || rest.endsWith(`${o.md5.slice(2)}.dir`)).toBe(true);
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
