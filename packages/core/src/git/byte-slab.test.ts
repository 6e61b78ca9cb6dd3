import { describe, expect, it } from 'vitest';
import { ByteSlab } from './byte-slab.ts';

describe('ByteSlab', () => {
  it('gives zero-filled pieces of the asked size that never overlap, on 8-byte boundaries', () => {
    const slab = new ByteSlab(1024, 256);
    const pieces = [3, 8, 250, 1, 256, 100, 0, 255, 700, 64].map((n) => slab.alloc(n));
    for (const [i, p] of pieces.entries()) {
      expect(p.length).toBe([3, 8, 250, 1, 256, 100, 0, 255, 700, 64][i]);
      expect(p.every((b) => b === 0)).toBe(true);
      expect(p.byteOffset % 8).toBe(0);
      p.fill(i + 1);
    }
    // Every piece still holds what was written to it: no other piece wrote over it.
    for (const [i, p] of pieces.entries()) expect(p.every((b) => b === i + 1)).toBe(true);
    // Larger than a piece may be: an array of its own, not a view of a chunk.
    expect(pieces[8]?.buffer.byteLength).toBe(700);
  });
});
