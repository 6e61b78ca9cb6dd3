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
const Z_NEED_DICT = 2;
const Z_BUF_ERROR = -5;

/**
 * One zlib stream after another, each inflated as its bytes arrive (core's PackStreamIndexer
 * indexing a pack while it downloads): zlib's stream API keeps its place between pieces, and
 * says where a stream ended — where the next entry starts. One state, reset between streams, so
 * nothing is allocated per entry. The zlib header and Adler-32 are checked here (a stream may
 * end anywhere in a piece, so stepping over them by hand would need its own state).
 */
export class PakoStreamInflater implements StreamInflater {
  private readonly strm = new ZStream();
  private readonly step = { read: 0, written: 0, ended: false };

  constructor() {
    zlib.inflateInit2(this.strm, 15);
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
  }

  inflate(input: Uint8Array, out: Uint8Array): { read: number; written: number; ended: boolean } {
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
    if (status === Z_NEED_DICT) throw new Error('zlib stream needs a preset dictionary');
    if (status < 0 && status !== Z_BUF_ERROR) throw new Error(s.msg || `zlib status ${status}`);
    this.step.read = s.next_in;
    this.step.written = s.next_out;
    this.step.ended = status === Z_STREAM_END;
    return this.step;
  }
}
