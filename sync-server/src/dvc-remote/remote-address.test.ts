import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRange } from './range.ts';
import { parseRemoteAddress } from './remote-address.ts';

// Object paths (parseObjectName) are core's and tested in packages/core/src/cache/object-path.test.ts.
describe('DVC remote paths', () => {
  it('reads the remote address', () => {
    const h = '0123456789abcdef0123456789abcdef';
    expect(parseRemoteAddress(`/demo/seg.dvc/files/md5/01/${h.slice(2)}`)).toEqual({
      owner: 'demo',
      repo: 'seg',
      rest: `files/md5/01/${h.slice(2)}`,
    });
    expect(parseRemoteAddress('/demo/seg/files')).toBeNull();
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
