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
