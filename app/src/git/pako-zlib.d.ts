/**
 * Types for the two modules of pako 1 (zlib in JavaScript) that pack-inflate.ts uses: zlib's own
 * stream API, which says how much input a stream used (pako's `Inflate` wrapper hides it).
 */
declare module 'pako/lib/zlib/zstream.js' {
  class ZStream {
    input: Uint8Array | null;
    next_in: number;
    avail_in: number;
    output: Uint8Array | null;
    next_out: number;
    avail_out: number;
    msg: string;
    /** zlib's internal state (inflate.js InflateState): the window is read after a reset. */
    state: {
      window: Uint8Array | null;
      wsize: number;
      wbits: number;
      lencode: Int32Array;
      lendyn: Int32Array;
      distcode: Int32Array;
      distdyn: Int32Array;
    };
  }
  export default ZStream;
}

declare module 'pako/lib/zlib/inflate.js' {
  import type ZStream from 'pako/lib/zlib/zstream.js';
  export function inflateInit2(strm: ZStream, windowBits: number): number;
  export function inflateReset(strm: ZStream): number;
  export function inflate(strm: ZStream, flush: number): number;
  export function inflateEnd(strm: ZStream): number;
}
