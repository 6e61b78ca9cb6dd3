import { diffArrays } from 'diff';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffSequences } from './patience.ts';

function apply(a: number[], b: number[], ops: ReturnType<typeof diffSequences>) {
  const left: number[] = [];
  const right: number[] = [];
  let i = 0;
  let j = 0;
  for (const op of ops) {
    for (let k = 0; k < op.count; k++) {
      if (op.kind !== 'add') left.push(a[i++] as number);
      if (op.kind !== 'del') right.push(b[j++] as number);
      if (op.kind === 'same') expect(a[i - 1]).toBe(b[j - 1]);
    }
  }
  return { left, right };
}

describe('diffSequences (patience)', () => {
  it('anchors on unique lines: a moved block shows as one delete and one insert', () => {
    const ops = diffSequences([1, 2, 3, 4, 5, 6], [1, 5, 6, 2, 3, 4]);
    const edits = ops.filter((o) => o.kind !== 'same').reduce((n, o) => n + o.count, 0);
    expect(edits).toBe(4);
  });

  it('keeps every item of both sides, in order, and never reports fewer edits than Myers (fuzz)', () => {
    const seq = fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 40 });
    fc.assert(
      fc.property(seq, seq, (a, b) => {
        const ops = diffSequences(a, b);
        const { left, right } = apply(a, b, ops);
        expect(left).toEqual(a);
        expect(right).toEqual(b);
        const edits = ops.filter((o) => o.kind !== 'same').reduce((n, o) => n + o.count, 0);
        const myers = diffArrays(a, b)
          .filter((p) => p.added || p.removed)
          .reduce((n, p) => n + p.count, 0);
        expect(edits).toBeGreaterThanOrEqual(myers);
      }),
    );
  });
});
