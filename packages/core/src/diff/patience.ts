/**
 * Patience diff (git's `--patience`) over interned lines: lines that occur exactly once on each
 * side and keep their order anchor the diff; the stretches between anchors are diffed again the
 * same way, and only stretches with no unique line fall back to jsdiff's Myers diff. With
 * scattered edits in a long file the Myers search then only runs on a few lines at a time:
 * O(N) work instead of O(N·D).
 */
import { diffArrays } from 'diff';
import { longestIncreasing } from './sequence-match.ts';

export type OpKind = 'same' | 'del' | 'add';
export interface DiffOp {
  kind: OpKind;
  count: number;
}

/** Past this nesting the diff stops looking for anchors (every level shrinks the stretch). */
const MAX_DEPTH = 32;

function uniqueAnchors(a: readonly number[], a0: number, a1: number, b: readonly number[], b0: number, b1: number) {
  // Per line id: count and last index on each side.
  const seenA = new Map<number, number>();
  for (let i = a0; i < a1; i++) {
    const id = a[i] as number;
    seenA.set(id, seenA.has(id) ? -1 : i);
  }
  const seenB = new Map<number, number>();
  for (let j = b0; j < b1; j++) {
    const id = b[j] as number;
    if (!seenA.has(id)) continue;
    seenB.set(id, seenB.has(id) ? -1 : j);
  }
  const pairs: [number, number][] = [];
  for (let i = a0; i < a1; i++) {
    const id = a[i] as number;
    if (seenA.get(id) !== i) continue;
    const j = seenB.get(id);
    if (j !== undefined && j >= 0) pairs.push([i, j]);
  }
  const keep = longestIncreasing(pairs);
  return pairs.filter((_, k) => keep.has(k));
}

/** The edit script turning `a` into `b`, as runs of kept, deleted and added items. */
export function diffSequences(a: readonly number[], b: readonly number[]): DiffOp[] {
  const ops: DiffOp[] = [];
  const push = (kind: OpKind, count: number) => {
    if (count <= 0) return;
    const last = ops[ops.length - 1];
    if (last && last.kind === kind) last.count += count;
    else ops.push({ kind, count });
  };
  const walk = (a0: number, a1: number, b0: number, b1: number, depth: number) => {
    let head = 0;
    while (a0 + head < a1 && b0 + head < b1 && a[a0 + head] === b[b0 + head]) head++;
    push('same', head);
    a0 += head;
    b0 += head;
    let tail = 0;
    while (a1 - tail > a0 && b1 - tail > b0 && a[a1 - 1 - tail] === b[b1 - 1 - tail]) tail++;
    a1 -= tail;
    b1 -= tail;
    if (a0 === a1) push('add', b1 - b0);
    else if (b0 === b1) push('del', a1 - a0);
    else {
      const anchors = depth < MAX_DEPTH ? uniqueAnchors(a, a0, a1, b, b0, b1) : [];
      if (anchors.length === 0) {
        for (const part of diffArrays(a.slice(a0, a1), b.slice(b0, b1))) {
          push(part.added ? 'add' : part.removed ? 'del' : 'same', part.count);
        }
      } else {
        let pa = a0;
        let pb = b0;
        for (const [i, j] of anchors) {
          walk(pa, i, pb, j, depth + 1);
          push('same', 1);
          pa = i + 1;
          pb = j + 1;
        }
        walk(pa, a1, pb, b1, depth + 1);
      }
    }
    push('same', tail);
  };
  walk(0, a.length, 0, b.length, 0);
  return ops;
}
