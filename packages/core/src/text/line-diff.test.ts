import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffLines } from './line-diff.ts';

const apply = (d: ReturnType<typeof diffLines>, side: 'before' | 'after') =>
  d
    .filter((l) => l.kind === 'same' || l.kind === (side === 'before' ? 'removed' : 'added'))
    .map((l) => l.text)
    .join('\n');

describe('line diff', () => {
  it('marks removed and added lines between kept ones', () => {
    expect(diffLines('# Plan\nlr 1e-3\nbatch 32', '# Plan\nlr 3e-4\nbatch 32\nepochs 50')).toEqual([
      { kind: 'same', text: '# Plan' },
      { kind: 'removed', text: 'lr 1e-3' },
      { kind: 'added', text: 'lr 3e-4' },
      { kind: 'same', text: 'batch 32' },
      { kind: 'added', text: 'epochs 50' },
    ]);
    expect(diffLines('', 'a')).toEqual([{ kind: 'added', text: 'a' }]);
    expect(diffLines('a', '')).toEqual([{ kind: 'removed', text: 'a' }]);
    expect(diffLines('', '')).toEqual([]);
  });

  it('rebuilds both sides from the script, and keeps the longest common lines (fuzzed)', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', '', 'd e'), { maxLength: 30 }).map((l) => l.join('\n'));
    fc.assert(
      fc.property(lines, lines, (before, after) => {
        const d = diffLines(before, after);
        expect(apply(d, 'before')).toBe(before);
        expect(apply(d, 'after')).toBe(after);
        if (before === after) expect(d.every((l) => l.kind === 'same')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
