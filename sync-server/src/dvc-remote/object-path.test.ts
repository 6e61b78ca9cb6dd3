import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseObjectName, parseRemoteAddress } from './object-path.ts';
import { parseRange } from './range.ts';

describe('DVC remote paths', () => {
  it('reads both layouts and .dir objects', () => {
    const h = '0123456789abcdef0123456789abcdef';
    expect(parseObjectName(`files/md5/01/${h.slice(2)}`)).toEqual({ md5: h, isDir: false, oid: h, layout: 'dvc3' });
    expect(parseObjectName(`01/${h.slice(2)}.dir`)).toEqual({ md5: h, isDir: true, oid: `${h}.dir`, layout: 'dvc2' });
    expect(parseRemoteAddress(`/demo/seg.dvc/files/md5/01/${h.slice(2)}`)).toEqual({
      owner: 'demo',
      repo: 'seg',
      rest: `files/md5/01/${h.slice(2)}`,
    });
    expect(parseRemoteAddress('/demo/seg/files')).toBeNull();
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

describe('parseRange', () => {
  it('reads single byte ranges and refuses what starts past the end', () => {
    expect(parseRange('bytes=0-3', 10)).toEqual({ start: 0, end: 3 });
    expect(parseRange('bytes=5-', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=2-100', 10)).toEqual({ start: 2, end: 9 });
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,4-5', 10)).toBeNull();
    expect(parseRange('items=0-1', 10)).toBeNull();
    expect(parseRange('bytes=-3', 0)).toBe('unsatisfiable');
  });

  it('only ever returns a range inside the object (fuzzed)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.oneof(fc.constant(0), fc.nat(20), fc.nat(1_000_000)),
        (header, size) => {
          const r = parseRange(`bytes=${header}`, size);
          if (r && r !== 'unsatisfiable') {
            expect(r.start).toBeGreaterThanOrEqual(0);
            expect(r.end).toBeLessThan(size);
            expect(r.start).toBeLessThanOrEqual(r.end);
          }
        },
      ),
      { numRuns: 10_000 },
    );
  });
});
