/**
 * Core's inflater held equal to zlib itself (node:zlib) on random data compressed every way zlib
 * compresses (stored, fixed and dynamic Huffman blocks, every level, strategy and window size);
 * damaged streams give a ZlibDataError and nothing else (no other exception, no hang, never
 * bytes past the buffer). Real packs: test/integration/zlib-inflate-packs.test.ts.
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inflateZlibInto, ZlibDataError } from './zlib-inflate.ts';

const STRATEGIES = [
  zlib.constants.Z_DEFAULT_STRATEGY,
  zlib.constants.Z_FILTERED,
  zlib.constants.Z_HUFFMAN_ONLY,
  zlib.constants.Z_RLE,
  zlib.constants.Z_FIXED,
];

/** Bytes as git objects look (text with repeats) or as noise, up to `max` of them. */
const content = (max: number) =>
  fc.oneof(
    fc.uint8Array({ maxLength: max }),
    fc
      .array(fc.constantFrom(...'tree parent author 0123456789abcdef\n\0 <>'.split('')), { maxLength: max })
      .map((cs) => new TextEncoder().encode(cs.join(''))),
    fc
      .tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.integer({ min: 1, max: 200 }))
      .map(([unit, times]) =>
        Uint8Array.from({ length: unit.length * times }, (_, i) => unit[i % unit.length] as number),
      ),
  );

const options = fc.record({
  level: fc.integer({ min: 0, max: 9 }),
  strategy: fc.constantFrom(...STRATEGIES),
  windowBits: fc.integer({ min: 9, max: 15 }),
  memLevel: fc.integer({ min: 1, max: 9 }),
});

function expectZlibDataErrorOrBytes(fn: () => Uint8Array): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ZlibDataError);
    expect((e as ZlibDataError).code).toBe('zlib_data');
  }
}

/** Canonical Huffman codes of `lengths` (RFC 1951 §3.2.2): by length, then by symbol. */
function canonicalCodes(lengths: readonly number[]): number[] {
  const codes: number[] = [];
  let code = 0;
  for (let len = 1; len <= 15; len++) {
    for (let sym = 0; sym < lengths.length; sym++) if (lengths[sym] === len) codes[sym] = code++;
    code <<= 1;
  }
  return codes;
}

/**
 * A zlib stream of one dynamic-Huffman block written by hand, to reach what zlib's own deflate
 * never writes: zlib run-length codes the literal and the distance lengths apart, but RFC 1951
 * §3.2.7 lets a run cross from one into the other (libdeflate's streams do).
 */
function dynamicStream(opts: {
  literals: number[];
  distances: number[];
  /** Code-length code lengths, by code-length symbol (0–18). */
  codeLengthCode: number[];
  /** The lengths as code-length symbols with their extra bits' value. */
  runs: [symbol: number, extra?: number][];
  /** Literals, and matches as [length symbol, distance symbol] (of no extra bits). */
  data: (number | [number, number])[];
  /** What the stream inflates to (for its Adler-32). */
  output: number[];
}): Uint8Array {
  const bytes: number[] = [0x78, 0x01];
  let acc = 0;
  let n = 0;
  const put = (value: number, bits: number) => {
    for (let i = 0; i < bits; i++) {
      acc |= ((value >> i) & 1) << n++;
      if (n === 8) {
        bytes.push(acc);
        acc = 0;
        n = 0;
      }
    }
  };
  const putCode = (code: number, len: number) => {
    for (let i = len - 1; i >= 0; i--) put((code >> i) & 1, 1);
  };
  const order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
  let hclen = 19;
  while (hclen > 4 && !opts.codeLengthCode[order[hclen - 1] as number]) hclen--;
  put(1, 1); // final
  put(2, 2); // dynamic
  put(opts.literals.length - 257, 5);
  put(opts.distances.length - 1, 5);
  put(hclen - 4, 4);
  for (let i = 0; i < hclen; i++) put(opts.codeLengthCode[order[i] as number] ?? 0, 3);
  const clCodes = canonicalCodes(opts.codeLengthCode);
  const extraBits: Record<number, number> = { 16: 2, 17: 3, 18: 7 };
  for (const [sym, extra] of opts.runs) {
    putCode(clCodes[sym] as number, opts.codeLengthCode[sym] as number);
    if (sym >= 16) put(extra ?? 0, extraBits[sym] as number);
  }
  const litCodes = canonicalCodes(opts.literals);
  const distCodes = canonicalCodes(opts.distances);
  for (const item of [...opts.data, 256]) {
    const [sym, dist] = typeof item === 'number' ? [item, null] : item;
    putCode(litCodes[sym] as number, opts.literals[sym] as number);
    if (dist !== null) putCode(distCodes[dist] as number, opts.distances[dist] as number);
  }
  if (n > 0) bytes.push(acc);
  let a = 1;
  let b = 0;
  for (const x of opts.output) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  bytes.push((b >> 8) & 0xff, b & 0xff, (a >> 8) & 0xff, a & 0xff);
  return Uint8Array.from(bytes);
}

/** `count` lengths of `value` at the end of `into`. */
const lengthsOf = (count: number, value: number) => Array.from({ length: count }, () => value);

describe('inflateZlibInto', () => {
  it('inflates what zlib deflates, at every level, strategy and window size, as zlib inflates it', () => {
    fc.assert(
      fc.property(content(70_000), options, fc.uint8Array({ maxLength: 40 }), (data, opts, trailer) => {
        const deflated = zlib.deflateSync(data, opts);
        const stream = new Uint8Array(deflated.length + trailer.length);
        stream.set(deflated);
        stream.set(trailer, deflated.length); // what follows a pack entry's stream
        const got = inflateZlibInto(stream, new Uint8Array(data.length));
        expect(Buffer.from(got).equals(zlib.inflateSync(deflated))).toBe(true);
        expect(Buffer.from(got).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('reads code-length runs that cross from the literal lengths into the distance lengths', () => {
    const a = 97;
    const b = 98;
    // A run of 30 zeros over literals 258–285 and distances 0 and 1; the data's match (length 3,
    // distance 3) uses distance code 2, after the run.
    const zeroRun = {
      literals: [...lengthsOf(97, 0), 1, ...lengthsOf(158, 0), 2, 2, ...lengthsOf(28, 0)],
      distances: [0, 0, 1],
      codeLengthCode: Object.assign(lengthsOf(19, 0), { 18: 1, 1: 2, 2: 2 }),
      runs: [[18, 97 - 11], [1], [18, 138 - 11], [18, 20 - 11], [2], [2], [18, 30 - 11], [1]] as [number, number?][],
      data: [a, a, a, [257, 2]] as (number | [number, number])[],
      output: lengthsOf(6, a),
    };
    // "Repeat the last length 3 times" over literal 285 and distances 0 and 1; the data's match
    // (length 258, distance 1) uses both codes the run gave a length.
    const repeatRun = {
      literals: [...lengthsOf(97, 0), 2, 2, ...lengthsOf(157, 0), 2, ...lengthsOf(27, 0), 3, 3],
      distances: [3, 3, 2, 1],
      codeLengthCode: Object.assign(lengthsOf(19, 0), { 18: 2, 2: 2, 3: 2, 1: 3, 16: 3 }),
      runs: [[18, 97 - 11], [2], [2], [18, 138 - 11], [18, 19 - 11], [2], [18, 27 - 11], [3], [16, 0], [2], [1]] as [
        number,
        number?,
      ][],
      data: [a, b, [285, 0]] as (number | [number, number])[],
      output: [a, ...lengthsOf(259, b)],
    };
    for (const spec of [zeroRun, repeatRun]) {
      const stream = dynamicStream(spec);
      // zlib itself reads the hand-made stream as meant (so the test's encoder is right).
      expect([...zlib.inflateSync(stream)]).toEqual(spec.output);
      expect([...inflateZlibInto(stream, new Uint8Array(spec.output.length))]).toEqual(spec.output);
    }
  });

  it('refuses damaged, cut-short or mis-sized streams with a ZlibDataError', () => {
    fc.assert(
      fc.property(
        content(5_000),
        options,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (data, opts, flips, cut) => {
          const deflated = new Uint8Array(zlib.deflateSync(data, opts));
          const damaged = deflated.slice();
          for (const [at, x] of flips) {
            const i = at % damaged.length;
            damaged[i] = (damaged[i] as number) ^ x;
          }
          expectZlibDataErrorOrBytes(() => inflateZlibInto(damaged, new Uint8Array(data.length)));
          const short = deflated.subarray(0, cut % Math.max(1, deflated.length - 4));
          expectZlibDataErrorOrBytes(() => inflateZlibInto(short, new Uint8Array(data.length)));
          expect(() => inflateZlibInto(deflated, new Uint8Array(data.length + 1))).toThrow(ZlibDataError);
          if (data.length > 0) {
            expect(() => inflateZlibInto(deflated, new Uint8Array(data.length - 1))).toThrow(ZlibDataError);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(() => inflateZlibInto(Uint8Array.from([0x78]), new Uint8Array(1))).toThrow(/not a zlib stream/);
    expect(() => inflateZlibInto(Uint8Array.from([0x1f, 0x8b, 8, 0]), new Uint8Array(1))).toThrow(ZlibDataError);
    // FDICT set (0x78 0xbb passes the header check): git never uses a preset dictionary.
    expect(() => inflateZlibInto(Uint8Array.from([0x78, 0xbb, 0, 0, 0, 1]), new Uint8Array(1))).toThrow(/dictionary/);
  });
});
