/**
 * Small byte arrays carved one after another out of shared chunks, for the many small objects a
 * history walk resolves (trees and commits of a few hundred bytes to a few KiB, ~12,000 in a
 * 3,000-commit log with counts). A typed array of more than 64 bytes gets its own backing store
 * from the engine (an allocation outside the JavaScript heap, zero-filled, tracked and swept by
 * every collection): one per object was a good part of that walk's time and of its collections.
 * A piece here is a view of a chunk, which lives while any of its pieces does — so a piece held
 * long keeps its chunk, at most `chunkBytes`, and larger objects get arrays of their own.
 *
 *   const slab = new ByteSlab();
 *   const out = slab.alloc(size); // zero-filled, starts on an 8-byte boundary
 */
export class ByteSlab {
  private chunk: Uint8Array = new Uint8Array(0);
  private used = 0;

  constructor(
    /** Bytes per chunk. */
    private readonly chunkBytes = 64 * 1024,
    /** Larger requests get an array of their own. */
    private readonly maxPieceBytes = 8 * 1024,
  ) {}

  /**
   * `size` zero-filled bytes. Pieces start on 8-byte boundaries, as an array of their own does,
   * so a reader may view one as 32-bit words (the tree diff does).
   */
  alloc(size: number): Uint8Array {
    if (size > this.maxPieceBytes) return new Uint8Array(size);
    let at = this.used;
    if (at + size > this.chunk.length) {
      this.chunk = new Uint8Array(this.chunkBytes);
      at = 0;
    }
    this.used = (at + size + 7) & ~7;
    return this.chunk.subarray(at, at + size);
  }
}
