import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectRenames, similarity } from './similarity.ts';

const lines = (n: number, tag = '') => Array.from({ length: n }, (_, i) => `row ${i}${tag}\n`).join('');

describe('rename detection', () => {
  it('finds an exact rename by blob id and an edited rename by similarity', () => {
    const pairs = detectRenames(
      [
        { path: 'src/a.py', oid: '1', text: 'x' },
        { path: 'src/train.py', oid: '2', text: lines(10) },
      ],
      [
        { path: 'lib/a.py', oid: '1', text: 'x' },
        { path: 'src/fit.py', oid: '3', text: `${lines(8)}changed\nchanged\n` },
      ],
    );
    expect(pairs.map((p) => [p.from, p.to])).toEqual([
      ['src/a.py', 'lib/a.py'],
      ['src/train.py', 'src/fit.py'],
    ]);
    expect(pairs[1]?.score).toBeGreaterThanOrEqual(0.5);
  });

  it('does not pair files under 50 % similar', () => {
    const pairs = detectRenames(
      [{ path: 'a', oid: '1', text: lines(10) }],
      [{ path: 'b', oid: '2', text: `${lines(4)}${lines(6, 'x')}` }],
    );
    expect(pairs).toEqual([]);
  });

  it('scores identical texts 1, disjoint texts 0, and anything in [0, 1] (fuzz)', () => {
    expect(similarity('a\nb\n', 'a\nb\n')).toBe(1);
    expect(similarity('a\n', 'b\n')).toBe(0);
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const s = similarity(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
      }),
    );
  });
});
