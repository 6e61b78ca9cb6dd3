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
import type { GitObjectType } from './git-objects.ts';

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

/**
 * Where a pack reader puts what it inflates: trees and commits (small and many) in slab pieces,
 * blobs and tags in arrays of their own (the inflater's; a blob handed to the app must not keep
 * a chunk alive), and a delta's instructions — read once, by applyDelta at once — in one reused
 * buffer (~9,000 of a 3,000-commit log's 15,000 inflates are deltas).
 */
export class PackBuffers {
  private readonly slab = new ByteSlab();
  private scratch = new Uint8Array(4096);
  private readonly alloc = (size: number) => this.slab.alloc(size);

  /** Where an object of `type` and `size` is inflated; undefined leaves it to the inflater. */
  contentOut(type: GitObjectType, size: number): Uint8Array | undefined {
    return type === 'tree' || type === 'commit' ? this.slab.alloc(size) : undefined;
  }

  /** How a delta's result of `type` is allocated (see contentOut); undefined: a new array. */
  contentAlloc(type: GitObjectType): ((size: number) => Uint8Array) | undefined {
    return type === 'tree' || type === 'commit' ? this.alloc : undefined;
  }

  /** `size` bytes for a delta's instructions, valid until the next call (grown as needed). */
  deltaScratch(size: number): Uint8Array {
    if (this.scratch.length < size) this.scratch = new Uint8Array(Math.max(size, 2 * this.scratch.length));
    return this.scratch.subarray(0, size);
  }
}
