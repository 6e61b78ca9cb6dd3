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
