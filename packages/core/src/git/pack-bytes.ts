/**
 * A pack file read by byte range, so a pack larger than memory allows (a 2 GiB clone) is never
 * held whole: the indexer reads it synchronously (a worker's OPFS sync access handle, or bytes
 * already in memory), the object reader asynchronously (a `File`'s slices on the page). Both
 * read through small windows or a bounded block cache, never the whole file.
 *
 *   const file = blockCachedPackFile(file.size, (at, n) => blob.slice(at, at + n).bytes());
 *   const bytes = await file.read(at, 4096);
 */

/** A pack read synchronously by range: `read` returns exactly `length` bytes (callers stay in range). */
export interface PackBytesSync {
  readonly size: number;
  read(at: number, length: number): Uint8Array;
}

/** A pack read asynchronously by range: `read` returns exactly `length` bytes (callers stay in range). */
export interface PackFile {
  readonly size: number;
  read(at: number, length: number): Promise<Uint8Array>;
}

/** A pack held in memory as a ranged source: every read is a view, no copy. */
export function packBytesOf(bytes: Uint8Array): PackBytesSync {
  return { size: bytes.length, read: (at, length) => bytes.subarray(at, at + length) };
}

/**
 * The most bytes a zlib stream of `size` inflated bytes can take (zlib's compressBound, with
 * slack for other encoders): how much to read after an entry's header so its whole stream is
 * in hand without knowing where it ends.
 */
export function deflatedBound(size: number): number {
  return size + Math.floor(size / 1024) + 1024;
}

/**
 * Sequential or nearby reads of a synchronous source through one window: a read inside the
 * window is a view of it; one outside reads a new window starting there, at least `windowBytes`
 * long. A source of bytes in memory is one window of the whole pack.
 */
export class PackWindow {
  private bytes: Uint8Array = new Uint8Array(0);
  private start = 0;

  constructor(
    private readonly source: PackBytesSync,
    private readonly windowBytes: number,
  ) {}

  /** Bytes from `at` on, at least `min` of them unless the pack ends first. */
  from(at: number, min: number): Uint8Array {
    const want = Math.min(min, this.source.size - at);
    if (at >= this.start && at + want <= this.start + this.bytes.length) {
      return this.bytes.subarray(at - this.start);
    }
    const length = Math.min(this.source.size - at, Math.max(want, this.windowBytes));
    this.bytes = this.source.read(at, length);
    this.start = at;
    return this.bytes;
  }
}

export interface BlockCacheOptions {
  /** Bytes per cached block; reads of a block or more go straight to the file, uncached. */
  blockBytes?: number;
  /** Blocks kept (least recently used dropped first). */
  maxBlocks?: number;
}

/**
 * An async ranged file with a bounded cache of aligned blocks in front: the object reader reads
 * many small entries (headers, trees, commits, deltas) close together, each a block hit after
 * the first; large objects are read directly and not kept. Memory: at most
 * blockBytes × maxBlocks (4 MiB by default).
 */
export function blockCachedPackFile(
  size: number,
  readRange: (at: number, length: number) => Promise<Uint8Array>,
  { blockBytes = 64 * 1024, maxBlocks = 64 }: BlockCacheOptions = {},
): PackFile {
  const blocks = new Map<number, Promise<Uint8Array>>();
  const block = (n: number): Promise<Uint8Array> => {
    let b = blocks.get(n);
    if (b) {
      // Most recently used last: Map keeps insertion order.
      blocks.delete(n);
      blocks.set(n, b);
      return b;
    }
    const at = n * blockBytes;
    b = readRange(at, Math.min(blockBytes, size - at));
    b.catch(() => blocks.delete(n));
    blocks.set(n, b);
    if (blocks.size > maxBlocks) blocks.delete(blocks.keys().next().value as number);
    return b;
  };
  return {
    size,
    async read(at, length) {
      if (at < 0 || length < 0 || at + length > size) {
        throw new RangeError(`bytes ${at}–${at + length} are outside the ${size}-byte pack`);
      }
      if (length >= blockBytes) return readRange(at, length);
      const first = Math.floor(at / blockBytes);
      const last = Math.floor((at + length - 1) / blockBytes);
      if (length === 0) return new Uint8Array(0);
      if (first === last) {
        const b = await block(first);
        return b.subarray(at - first * blockBytes, at - first * blockBytes + length);
      }
      // Straddles two blocks: copied together.
      const [a, b] = await Promise.all([block(first), block(last)]);
      const out = new Uint8Array(length);
      const fromA = a.subarray(at - first * blockBytes);
      out.set(fromA);
      out.set(b.subarray(0, length - fromA.length), fromA.length);
      return out;
    },
  };
}
