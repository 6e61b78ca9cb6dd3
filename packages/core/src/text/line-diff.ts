/**
 * A line diff (Myers' O(ND) shortest edit script): which lines of `before` were removed, which
 * of `after` were added, and which are kept, in order. Used to show an earlier version of a note
 * against now.
 */

export interface DiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** @example diffLines('a\nb', 'a\nc') // same a, removed b, added c */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  // Common head and tail are cheap and make the usual "edited in the middle" case fast.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const middle = myers(x, y);
  return [
    ...a.slice(0, head).map((text) => ({ kind: 'same' as const, text })),
    ...middle,
    ...a.slice(a.length - tail).map((text) => ({ kind: 'same' as const, text })),
  ];
}

function myers(a: string[], b: string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let found = max === 0;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let xi =
        k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number))
          ? (v[offset + k + 1] as number)
          : (v[offset + k - 1] as number) + 1;
      let yi = xi - k;
      while (xi < n && yi < m && a[xi] === b[yi]) {
        xi++;
        yi++;
      }
      v[offset + k] = xi;
      if (xi >= n && yi >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk back through the saved frontiers to recover the script.
  const out: DiffLine[] = [];
  let xi = n;
  let yi = m;
  for (let d = trace.length - 1; d >= 0 && (xi > 0 || yi > 0); d--) {
    const vd = trace[d] as Int32Array;
    const k = xi - yi;
    const prevK =
      k === -d || (k !== d && (vd[offset + k - 1] as number) < (vd[offset + k + 1] as number)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : (vd[offset + prevK] as number);
    const prevY = prevX - prevK;
    while (xi > prevX && yi > prevY) {
      out.push({ kind: 'same', text: a[--xi] as string });
      yi--;
    }
    if (d === 0) break;
    if (xi === prevX) out.push({ kind: 'added', text: b[--yi] as string });
    else out.push({ kind: 'removed', text: a[--xi] as string });
  }
  return out.reverse();
}
