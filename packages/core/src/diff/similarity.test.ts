import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectCopies, detectRenames, similarity } from './similarity.ts';

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

describe('copy detection', () => {
  const sources = [
    { path: 'src/train.py', oid: 't1', text: lines(20) },
    { path: 'config/base.yaml', oid: 'c1', text: lines(6, ' cfg') },
  ];
  it('pairs an added file with the existing file it is ≥ 50 % like, several copies of one source included', () => {
    const pairs = detectCopies(sources, [
      { path: 'src/train_v2.py', oid: 'n1', text: `${lines(18)}new line\n` },
      { path: 'exp/train.py', oid: 'n2', text: `${lines(15)}` },
      { path: 'config/exact.yaml', oid: 'c1', text: null },
    ]);
    expect(pairs.map((p) => [p.from, p.to, p.score === 1])).toEqual([
      ['src/train.py', 'src/train_v2.py', false],
      ['src/train.py', 'exp/train.py', false],
      ['config/base.yaml', 'config/exact.yaml', true],
    ]);
    expect(pairs[0]?.score).toBeGreaterThanOrEqual(0.5);
  });

  it('leaves a file less than half like any source as added, and a binary one unless it is an exact copy', () => {
    const pairs = detectCopies(sources, [
      { path: 'src/other.py', oid: 'n3', text: `${lines(8)}${lines(14, ' new')}` },
      { path: 'model.bin', oid: 'b1', text: null },
    ]);
    expect(pairs).toEqual([]);
  });
});
