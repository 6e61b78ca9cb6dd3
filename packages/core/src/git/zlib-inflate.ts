/**
 * zlib inflate (RFC 1950/1951) into a buffer of known size, for the many small objects of a git
 * pack: a history walk of 3,000 commits inflates ~15,000 streams whose median output is 33 bytes.
 * Libraries spend most of such a call setting up, not decoding: fflate allocates a dozen typed
 * arrays for each dynamic-Huffman block and fills lookup tables of up to 2^15 entries, pako a
 * 40 KiB state per stream, node:zlib a native call. Here nothing is allocated per stream: the
 * tables are made once and rebuilt in place, and a code is looked up in a 9-bit table, or by
 * canonical code ranges when longer (the scheme of stb_image's zlib decoder).
 *
 * The pack entry's header gives the inflated size, so the output is exactly that buffer; a
 * stream that would write past it, reads past its input, or is malformed is a ZlibDataError.
 * The Adler-32 trailer is not checked (nor by the pack readers before): the pack's SHA-1 covers
 * its bytes and each object's id its content.
 *
 *   const content = new Uint8Array(size);
 *   inflateZlibInto(packBytes.subarray(dataAt), content);
 */
import { CairnError } from '../errors/cairn-error.ts';

/** A zlib stream that is damaged, cut short, or inflates to more than its entry says. */
export class ZlibDataError extends CairnError<'zlib_data'> {
  override readonly name = 'ZlibDataError';
  constructor(message: string) {
    super('zlib_data', message);
  }
}

const FAST_BITS = 9;
const FAST_MASK = (1 << FAST_BITS) - 1;
const MAX_SYMBOLS = 288;

/**
 * One canonical Huffman code: `fast` answers codes of up to `fastBits` bits (9, or the longest
 * code when shorter) by that many next input bits (`length << 9 | symbol`, 0 where longer or
 * unused); longer codes are found by comparing the next 16 bits, bit-reversed, with each length's
 * upper bound (`maxCode`, pre-shifted to 16 bits). A small stream's codes are short, so its
 * tables are small: filling a table of 2^15 (fflate) for 30 bytes of output was most of the work.
 */
class Huffman {
  readonly fast = new Uint16Array(1 << FAST_BITS);
  fastBits = FAST_BITS;
  fastMask = FAST_MASK;
  readonly firstCode = new Int32Array(17);
  readonly firstSymbol = new Int32Array(17);
  readonly maxCode = new Int32Array(18);
  readonly size = new Uint8Array(MAX_SYMBOLS);
  readonly value = new Uint16Array(MAX_SYMBOLS);
  private readonly counts = new Int32Array(17);
  /** Where the next symbol of each length goes in canonical order (build's scratch). */
  private readonly offsets = new Int32Array(16);

  /**
   * Rebuilds the code from `num` code lengths at `lengths[at]` (0 = unused symbol): lists the used
   * symbols, then buildListed.
   */
  build(lengths: Uint8Array, at: number, num: number): void {
    let m = 0;
    for (let i = 0; i < num; i++) if (lengths[at + i] !== 0) LISTED[m++] = i;
    this.buildListed(lengths, at, LISTED, 0, m);
  }

  /**
   * Rebuilds the code from the code lengths at `lengths[at + symbol]` of the used symbols
   * `symbols[from..to)`, in increasing order (every other symbol is unused). A dynamic block's
   * reader lists them as it decodes the lengths, so a code is built from its ~50 used symbols, not
   * by looking at all 286 — a count per symbol was a store-to-load chain, most of the build.
   *
   * The fast table is filled as libdeflate fills its own: codes by increasing length, each stored
   * once at its bit-reversed index in a table of 2^length entries, the table doubled (copyWithin)
   * before the next length — an index's bits past a code's length do not matter, so the copy is
   * what those entries hold. A store per code and a native copy, not a store per table entry.
   */
  buildListed(lengths: Uint8Array, at: number, symbols: Uint16Array, from: number, to: number): void {
    const counts = this.counts;
    counts.fill(0);
    for (let i = from; i < to; i++) {
      const len = lengths[at + (symbols[i] as number)] as number;
      counts[len] = (counts[len] as number) + 1;
    }
    counts[0] = 0;
    let longest = 15;
    while (longest > 1 && counts[longest] === 0) longest--;
    const fastBits = Math.min(longest, FAST_BITS);
    this.fastBits = fastBits;
    this.fastMask = (1 << fastBits) - 1;
    const offsets = this.offsets;
    let code = 0;
    let k = 0;
    for (let i = 1; i < 16; i++) {
      const n = counts[i] as number;
      this.firstCode[i] = code;
      this.firstSymbol[i] = k;
      offsets[i] = k;
      code += n;
      // More codes of a length than it has room for: no prefix code (an incomplete one is allowed).
      if (n > 0 && code - 1 >= 1 << i) throw new ZlibDataError('over-subscribed Huffman code');
      this.maxCode[i] = code << (16 - i);
      code <<= 1;
      k += n;
    }
    this.maxCode[16] = 0x10000;
    // Symbols in canonical order (by length, then by symbol): the k-th of a length has code firstCode + k.
    const size = this.size;
    const value = this.value;
    for (let i = from; i < to; i++) {
      const symbol = symbols[i] as number;
      const s = lengths[at + symbol] as number;
      const c = offsets[s] as number;
      size[c] = s;
      value[c] = symbol;
      offsets[s] = c + 1;
    }
    const fast = this.fast;
    fast[0] = 0;
    fast[1] = 0;
    for (let len = 1; len <= fastBits; len++) {
      if (len > 1) {
        const half = 1 << (len - 1);
        for (let j = 0; j < half; j++) fast[half + j] = fast[j] as number;
      }
      const first = this.firstSymbol[len] as number;
      const n = counts[len] as number;
      const base = this.firstCode[len] as number;
      const shift = FAST_BITS - len;
      for (let j = 0; j < n; j++) {
        fast[(REVERSED[base + j] as number) >>> shift] = (len << FAST_BITS) | (value[first + j] as number);
      }
    }
  }
}

/** build's list of used symbols. */
const LISTED = new Uint16Array(MAX_SYMBOLS + 32);

/** Every 9-bit value bit-reversed: the fast table's index of a code of up to 9 bits, shifted down. */
const REVERSED = Uint16Array.from({ length: 1 << FAST_BITS }, (_, v) => reverse(v, FAST_BITS));

/** The low `bits` bits of `v`, in reverse order. */
function reverse(v: number, bits: number): number {
  let n = v;
  n = ((n & 0xaaaa) >>> 1) | ((n & 0x5555) << 1);
  n = ((n & 0xcccc) >>> 2) | ((n & 0x3333) << 2);
  n = ((n & 0xf0f0) >>> 4) | ((n & 0x0f0f) << 4);
  n = ((n & 0xff00) >>> 8) | ((n & 0x00ff) << 8);
  return n >>> (16 - bits);
}

/**
 * A code longer than `h.fastBits`, read from the next 16 input bits `buf`: in the same form as a
 * `fast` entry (`length << 9 | symbol`). The rare path, kept out of the decoding loops.
 */
function slowCode(h: Huffman, buf: number): number {
  const k = reverse(buf & 0xffff, 16);
  let len = h.fastBits + 1;
  while (k >= (h.maxCode[len] as number)) len++;
  const idx = (k >>> (16 - len)) - (h.firstCode[len] as number) + (h.firstSymbol[len] as number);
  if (len >= 16 || idx >= MAX_SYMBOLS || h.size[idx] !== len) throw new ZlibDataError('invalid Huffman code');
  return (len << FAST_BITS) | (h.value[idx] as number);
}

// RFC 1951 §3.2.5: base lengths and distances, and their extra bits.
const LENGTH_BASE = Uint16Array.from([
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
]);
const LENGTH_EXTRA = Uint8Array.from([
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
]);
const DIST_BASE = Uint16Array.from([
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
  8193, 12289, 16385, 24577,
]);
const DIST_EXTRA = Uint8Array.from([
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
]);
/** The order in which a dynamic block lists its code-length code's lengths (§3.2.7). */
const CODE_LENGTH_ORDER = Uint8Array.from([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);

// The fixed codes (§3.2.6), built once.
const fixedLiterals = new Huffman();
const fixedDistances = new Huffman();
{
  const lengths = new Uint8Array(MAX_SYMBOLS + 32);
  lengths.fill(8, 0, 144);
  lengths.fill(9, 144, 256);
  lengths.fill(7, 256, 280);
  lengths.fill(8, 280, 288);
  lengths.fill(5, 288, 320);
  fixedLiterals.build(lengths, 0, 288);
  fixedDistances.build(lengths, 288, 32);
}

// A dynamic block's codes, rebuilt in place for each (streams are inflated one at a time).
const dynamicLiterals = new Huffman();
const dynamicDistances = new Huffman();
const codeLengthCode = new Huffman();
const dynamicLengths = new Uint8Array(MAX_SYMBOLS + 32);
const codeLengthLengths = new Uint8Array(19);
const dynamicUsed = new Uint16Array(MAX_SYMBOLS + 32);

/** The bit reader's state between blocks (the block decoder keeps it in locals). */
const bits: { data: Uint8Array; pos: number; buf: number; count: number } = {
  data: new Uint8Array(0),
  pos: 0,
  buf: 0,
  count: 0,
};

/** Tops the bit buffer up to at least 25 bits; bytes past the input read as 0 (checked at the end). */
function refill(): void {
  const d = bits.data;
  while (bits.count <= 24) {
    if (bits.pos < d.length) bits.buf |= (d[bits.pos] as number) << bits.count;
    bits.pos++;
    bits.count += 8;
  }
}

/** `n` (≤ 16) bits from the stream. */
function take(n: number): number {
  if (bits.count < n) refill();
  const v = bits.buf & ((1 << n) - 1);
  bits.buf >>>= n;
  bits.count -= n;
  return v;
}

/** One symbol of `h` (for the header's code lengths; blocks decode inline). */
function symbol(h: Huffman): number {
  if (bits.count < 16) refill();
  const e = (h.fast[bits.buf & h.fastMask] as number) || slowCode(h, bits.buf);
  const len = e >>> FAST_BITS;
  bits.buf >>>= len;
  bits.count -= len;
  return e & FAST_MASK;
}

/** Reads a dynamic block's code lengths (§3.2.7) and rebuilds its two codes. */
function readDynamicCodes(): void {
  const hlit = take(5) + 257;
  const hdist = take(5) + 1;
  const hclen = take(4) + 4;
  if (hlit > 286 || hdist > 30) throw new ZlibDataError('too many length or distance codes');
  codeLengthLengths.fill(0);
  for (let i = 0; i < hclen; i++) codeLengthLengths[CODE_LENGTH_ORDER[i] as number] = take(3);
  codeLengthCode.build(codeLengthLengths, 0, 19);
  const total = hlit + hdist;
  const lengths = dynamicLengths;
  // The used symbols as they come: the literal code's, then the distance code's (from hlit).
  const used = dynamicUsed;
  let m = 0;
  let literalsUsed = -1;
  let n = 0;
  while (n < total) {
    const sym = symbol(codeLengthCode);
    if (sym < 16) {
      if (n === hlit) literalsUsed = m;
      if (sym !== 0) used[m++] = n < hlit ? n : n - hlit;
      lengths[n++] = sym;
      continue;
    }
    let value = 0;
    let repeat: number;
    if (sym === 16) {
      if (n === 0) throw new ZlibDataError('repeated code length with none before');
      value = lengths[n - 1] as number;
      repeat = 3 + take(2);
    } else if (sym === 17) {
      repeat = 3 + take(3);
    } else {
      repeat = 11 + take(7);
    }
    if (n + repeat > total) throw new ZlibDataError('code lengths overrun');
    lengths.fill(value, n, n + repeat);
    // A repeat may run from the literal lengths into the distance lengths (RFC 1951 §3.2.7).
    const stop = n + repeat;
    if (value === 0) {
      if (n <= hlit && stop > hlit) literalsUsed = m;
      n = stop;
    } else {
      for (; n < stop; n++) {
        if (n === hlit) literalsUsed = m;
        used[m++] = n < hlit ? n : n - hlit;
      }
    }
  }
  if (literalsUsed < 0) literalsUsed = m;
  if (lengths[256] === 0) throw new ZlibDataError('no end-of-block code');
  dynamicLiterals.buildListed(lengths, 0, used, 0, literalsUsed);
  dynamicDistances.buildListed(lengths, hlit, used, literalsUsed, m);
}

/**
 * Decodes one Huffman-coded block into `out` from `o`; returns where it stopped. The hot loop:
 * the bit buffer lives in locals, written back when the block ends. Before each field (a code of
 * up to 15 bits, extra bits of up to 13) the buffer is topped up to at least 16 bits, two bytes at
 * a time: the buffer then holds at most 31 bits, within a 32-bit integer. (Byte by byte to 25 bits
 * was the loop's most sampled line.)
 */
function inflateBlock(lit: Huffman, dist: Huffman, out: Uint8Array, start: number): number {
  const d = bits.data;
  const end = d.length;
  const outEnd = out.length;
  const litFast = lit.fast;
  const litMask = lit.fastMask;
  const distFast = dist.fast;
  const distMask = dist.fastMask;
  let pos = bits.pos;
  let buf = bits.buf;
  let count = bits.count;
  // (The block header's reader may leave up to 32 bits: a refill waits until fewer than 16.)
  let o = start;
  for (;;) {
    if (count < 16) {
      // Bytes past the input read as 0 (checked at the end), without reading out of bounds.
      buf |= ((pos < end ? (d[pos] as number) : 0) | ((pos + 1 < end ? (d[pos + 1] as number) : 0) << 8)) << count;
      pos += 2;
      count += 16;
    }
    let e = litFast[buf & litMask] as number;
    let len: number;
    let sym: number;
    if (e === 0) e = slowCode(lit, buf);
    len = e >>> FAST_BITS;
    sym = e & FAST_MASK;
    buf >>>= len;
    count -= len;
    if (sym < 256) {
      if (o >= outEnd) throw new ZlibDataError('stream inflates to more than its entry says');
      out[o++] = sym;
      continue;
    }
    if (sym === 256) break;
    sym -= 257;
    if (sym >= 29) throw new ZlibDataError('invalid length code');
    if (count < 16) {
      buf |= ((pos < end ? (d[pos] as number) : 0) | ((pos + 1 < end ? (d[pos + 1] as number) : 0) << 8)) << count;
      pos += 2;
      count += 16;
    }
    const lengthExtra = LENGTH_EXTRA[sym] as number;
    const length = (LENGTH_BASE[sym] as number) + (buf & ((1 << lengthExtra) - 1));
    buf >>>= lengthExtra;
    count -= lengthExtra;
    if (count < 16) {
      buf |= ((pos < end ? (d[pos] as number) : 0) | ((pos + 1 < end ? (d[pos + 1] as number) : 0) << 8)) << count;
      pos += 2;
      count += 16;
    }
    e = distFast[buf & distMask] as number;
    if (e === 0) e = slowCode(dist, buf);
    len = e >>> FAST_BITS;
    sym = e & FAST_MASK;
    buf >>>= len;
    count -= len;
    if (sym >= 30) throw new ZlibDataError('invalid distance code');
    if (count < 16) {
      buf |= ((pos < end ? (d[pos] as number) : 0) | ((pos + 1 < end ? (d[pos + 1] as number) : 0) << 8)) << count;
      pos += 2;
      count += 16;
    }
    const distExtra = DIST_EXTRA[sym] as number;
    const distance = (DIST_BASE[sym] as number) + (buf & ((1 << distExtra) - 1));
    buf >>>= distExtra;
    count -= distExtra;
    if (distance > o) throw new ZlibDataError('distance reaches before the start');
    if (o + length > outEnd) throw new ZlibDataError('stream inflates to more than its entry says');
    // Byte by byte: a match may overlap what it writes (distance < length repeats a run).
    for (let from = o - distance, stop = o + length; o < stop; ) out[o++] = out[from++] as number;
  }
  bits.pos = pos;
  bits.buf = buf;
  bits.count = count;
  return o;
}

/** A stored block (§3.2.4): byte-aligned, LEN and its complement, then LEN bytes copied. */
function storedBlock(out: Uint8Array, o: number): number {
  // Drop the partial byte, then hand back the whole bytes still in the bit buffer.
  bits.count -= bits.count & 7;
  const at = bits.pos - (bits.count >> 3);
  bits.buf = 0;
  bits.count = 0;
  const d = bits.data;
  if (at + 4 > d.length) throw new ZlibDataError('stream is cut short');
  const len = (d[at] as number) | ((d[at + 1] as number) << 8);
  const nlen = (d[at + 2] as number) | ((d[at + 3] as number) << 8);
  if ((len ^ 0xffff) !== nlen) throw new ZlibDataError('stored block length does not match its complement');
  if (at + 4 + len > d.length) throw new ZlibDataError('stream is cut short');
  if (o + len > out.length) throw new ZlibDataError('stream inflates to more than its entry says');
  out.set(d.subarray(at + 4, at + 4 + len), o);
  bits.pos = at + 4 + len;
  return o + len;
}

/**
 * Inflates the zlib stream at the start of `data` (trailing bytes ignored) into `out`, which the
 * stream must fill exactly; returns `out`.
 * @throws ZlibDataError when the stream is damaged, cut short, or of another size.
 */
export function inflateZlibInto(data: Uint8Array, out: Uint8Array): Uint8Array {
  const cmf = data[0] as number;
  const flg = data[1] as number;
  if (data.length < 2 || (cmf & 15) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0) {
    throw new ZlibDataError('not a zlib stream');
  }
  if (flg & 0x20) throw new ZlibDataError('zlib stream needs a preset dictionary');
  bits.data = data;
  bits.pos = 2;
  bits.buf = 0;
  bits.count = 0;
  let o = 0;
  try {
    for (let final = 0; !final; ) {
      final = take(1);
      const type = take(2);
      if (type === 0) o = storedBlock(out, o);
      else if (type === 1) o = inflateBlock(fixedLiterals, fixedDistances, out, o);
      else if (type === 2) {
        readDynamicCodes();
        o = inflateBlock(dynamicLiterals, dynamicDistances, out, o);
      } else throw new ZlibDataError('invalid block type');
      // Bytes read past the input (as zeros) mean the stream was cut short.
      if (bits.pos - (bits.count >> 3) > data.length) throw new ZlibDataError('stream is cut short');
    }
  } finally {
    bits.data = EMPTY; // not kept alive by the module
  }
  if (o !== out.length) throw new ZlibDataError(`stream inflates to ${o} bytes, not ${out.length}`);
  return out;
}

const EMPTY = new Uint8Array(0);
