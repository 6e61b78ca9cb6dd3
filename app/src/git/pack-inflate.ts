/// <reference path="./pako-zlib.d.ts" />
/**
 * Inflate for indexing a received pack (core's indexPack): one zlib stream at the start of the
 * rest of the pack, straight into a buffer of the size the entry header gives, reporting how
 * many input bytes the stream used — where the next entry starts. zlib's stream API (pako's
 * port of it) is the one that says so; fflate and DecompressionStream do not.
 */
import * as zlib from 'pako/lib/zlib/inflate.js';
import ZStream from 'pako/lib/zlib/zstream.js';

const Z_FINISH = 4;
const Z_STREAM_END = 1;

export function inflateEntry(data: Uint8Array, size: number): { content: Uint8Array; consumed: number } {
  const strm = new ZStream();
  zlib.inflateInit2(strm, 15);
  strm.input = data;
  strm.next_in = 0;
  strm.avail_in = data.length;
  const content = new Uint8Array(size);
  strm.output = content;
  strm.next_out = 0;
  strm.avail_out = size;
  const status = zlib.inflate(strm, Z_FINISH);
  const consumed = strm.next_in;
  const written = strm.next_out;
  const msg = strm.msg;
  zlib.inflateEnd(strm);
  if (status !== Z_STREAM_END || written !== size) {
    throw new Error(status === Z_STREAM_END ? 'stream is shorter than its entry says' : msg || `zlib status ${status}`);
  }
  return { content, consumed };
}
