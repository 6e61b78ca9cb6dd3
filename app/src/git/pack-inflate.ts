/// <reference path="./pako-zlib.d.ts" />
/**
 * Inflate for indexing a received pack (core's indexPack): one zlib stream at the start of the
 * rest of the pack, straight into a buffer of the size the entry header gives, reporting how
 * many input bytes the stream used — where the next entry starts. zlib's stream API (pako's
 * port of it) is the one that says so; fflate and DecompressionStream do not.
 */
import type { StreamInflater } from '@cairn/core/git';
import * as zlib from 'pako/lib/zlib/inflate.js';
import ZStream from 'pako/lib/zlib/zstream.js';

const Z_FINISH = 4;
const Z_STREAM_END = 1;

/**
 * The zlib header (2 bytes) is checked and skipped and the deflate data inflated raw; its
 * Adler-32 trailer (4 bytes) is stepped over unchecked — a pass over every byte saved, and
 * nothing lost: the pack's SHA-1 trailer covers every byte, and each object's id its content.
 */
export function inflateEntry(data: Uint8Array, size: number): { content: Uint8Array; consumed: number } {
  const cmf = data[0] as number;
  if (data.length < 6 || cmf % 16 !== 8 || ((cmf << 8) | (data[1] as number)) % 31 || (data[1] as number) & 0x20) {
    throw new Error('not a zlib stream');
  }
  const strm = new ZStream();
  zlib.inflateInit2(strm, -15);
  strm.input = data;
  strm.next_in = 2;
  strm.avail_in = data.length - 2;
  const content = new Uint8Array(size);
  strm.output = content;
  strm.next_out = 0;
  strm.avail_out = size;
  const status = zlib.inflate(strm, Z_FINISH);
  const consumed = strm.next_in + 4;
  const written = strm.next_out;
  const msg = strm.msg;
  zlib.inflateEnd(strm);
  if (status !== Z_STREAM_END || written !== size) {
    throw new Error(status === Z_STREAM_END ? 'stream is shorter than its entry says' : msg || `zlib status ${status}`);
  }
  if (consumed > data.length) throw new Error('stream is cut short');
  return { content, consumed };
}

const Z_NO_FLUSH = 0;
const Z_BUF_ERROR = -5;

/** Where a PakoStreamInflater is in its stream: the zlib header, the deflate data, the Adler-32 after it. */
const Part = { Header: 0, Body: 1, Trailer: 2, Ended: 3 } as const;
type Part = (typeof Part)[keyof typeof Part];

/**
 * One zlib stream after another, each inflated as its bytes arrive (core's PackStreamIndexer
 * indexing a pack while it downloads): zlib's stream API keeps its place between pieces, and
 * says where a stream ended — where the next entry starts. One state, reset between streams, so
 * nothing is allocated per entry. As in inflateEntry above, the deflate data is inflated raw:
 * the 2-byte zlib header is checked here and the Adler-32 stepped over unchecked (pako's
 * Adler-32 in JavaScript cost as much as the SHA-1 of every object; the pack's checksum covers
 * these bytes, each object's id its content). Both may fall anywhere across pieces.
 */
export class PakoStreamInflater implements StreamInflater {
  private readonly strm = new ZStream();
  private readonly step = { read: 0, written: 0, ended: false };
  private readonly bodyStep = { read: 0, written: 0, ended: false };
  private part: Part = Part.Header;
  /** Bytes of the current part seen so far (header: its first byte is kept in `cmf`). */
  private partBytes = 0;
  private cmf = 0;

  constructor() {
    zlib.inflateInit2(this.strm, -15);
  }

  reset(): void {
    const state = this.strm.state;
    // inflateReset allocates new dynamic-code tables (~6 KB) each time; one entry's are scratch
    // for the next (inflate_table overwrites what it uses), so they are put back.
    const { lendyn, distdyn } = state;
    zlib.inflateReset(this.strm);
    state.lencode = state.lendyn = lendyn;
    state.distcode = state.distdyn = distdyn;
    // pako 1's inflateReset zeroes the window's size but keeps the window, and its updatewindow
    // only sets the size when it allocates one: the next stream would keep no history, and its
    // first back-reference across two calls fails ("invalid distance too far back"). zlib's C
    // sets the size again whenever it is 0; so do we.
    if (state.window) state.wsize = 1 << state.wbits;
    this.part = Part.Header;
    this.partBytes = 0;
  }

  inflate(input: Uint8Array, out: Uint8Array): { read: number; written: number; ended: boolean } {
    let read = 0;
    let written = 0;
    while (read < input.length && this.part !== Part.Ended) {
      if (this.part === Part.Header) {
        const byte = input[read++] as number;
        if (this.partBytes++ === 0) {
          this.cmf = byte;
          continue;
        }
        const cmf = this.cmf;
        if (cmf % 16 !== 8 || cmf >> 4 > 7 || ((cmf << 8) | byte) % 31) throw new Error('not a zlib stream');
        if (byte & 0x20) throw new Error('zlib stream needs a preset dictionary');
        this.part = Part.Body;
        this.partBytes = 0;
      } else if (this.part === Part.Body) {
        const body = this.body(input.subarray(read), out.subarray(written));
        read += body.read;
        written += body.written;
        if (!body.ended) break; // input used up, or no room left for output
        this.part = Part.Trailer;
      } else {
        const n = Math.min(4 - this.partBytes, input.length - read);
        read += n;
        this.partBytes += n;
        if (this.partBytes === 4) this.part = Part.Ended;
      }
    }
    this.step.read = read;
    this.step.written = written;
    this.step.ended = this.part === Part.Ended;
    return this.step;
  }

  /** Raw deflate data from `input` into `out`: bytes used, bytes written, whether the data ended. */
  private body(input: Uint8Array, out: Uint8Array): { read: number; written: number; ended: boolean } {
    const s = this.strm;
    s.input = input;
    s.next_in = 0;
    s.avail_in = input.length;
    s.output = out;
    s.next_out = 0;
    s.avail_out = out.length;
    const status = zlib.inflate(s, Z_NO_FLUSH);
    // The pieces are the caller's: not kept alive here between calls.
    s.input = null;
    s.output = null;
    if (status < 0 && status !== Z_BUF_ERROR) throw new Error(s.msg || `zlib status ${status}`);
    this.bodyStep.read = s.next_in;
    this.bodyStep.written = s.next_out;
    this.bodyStep.ended = status === Z_STREAM_END;
    return this.bodyStep;
  }
}
