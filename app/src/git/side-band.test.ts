/**
 * The upload-pack response demultiplexed as it streams: the pack bytes, the server's lines and
 * flushes come out the same however the network cut the response, and a response cut
 * mid-line or with a malformed length is a typed error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GitPackError } from './errors.ts';
import { SideBandDemux } from './side-band.ts';

const encoder = new TextEncoder();

function pkt(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 4);
  out.set(encoder.encode((payload.length + 4).toString(16).padStart(4, '0')));
  out.set(payload, 4);
  return out;
}

const band = (n: number, bytes: Uint8Array) => pkt(Uint8Array.of(n, ...bytes));
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** What the demux reports for `response` pushed in pieces cut at `cuts` (each piece in a reused buffer). */
function demux(response: Uint8Array, cuts: number[]): { pack: Uint8Array; lines: string[]; flushes: number } {
  const pack: Uint8Array[] = [];
  const lines: string[] = [];
  let flushes = 0;
  const d = new SideBandDemux({
    onPack: (b) => pack.push(b.slice()),
    onLine: (l) => lines.push(new TextDecoder().decode(l)),
    onFlush: () => flushes++,
  });
  const bounds = [0, ...[...new Set(cuts)].filter((c) => c > 0 && c < response.length).sort((a, b) => a - b)];
  bounds.push(response.length);
  const reused = new Uint8Array(response.length);
  for (let k = 0; k + 1 < bounds.length; k++) {
    const piece = reused.subarray(0, (bounds[k + 1] as number) - (bounds[k] as number));
    piece.set(response.subarray(bounds[k], bounds[k + 1]));
    d.push(piece);
    piece.fill(0x30);
  }
  d.end();
  return { pack: concat(pack), lines, flushes };
}

describe('the side-band demultiplexer', () => {
  const packBytes = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251);
  const response = concat([
    pkt(encoder.encode('shallow 0123456789012345678901234567890123456789\n')),
    encoder.encode('0000'),
    pkt(encoder.encode('NAK\n')),
    band(2, encoder.encode('Counting objects: 3\r')),
    ...Array.from({ length: 4 }, (_, k) => band(1, packBytes.subarray(k * 50_000, (k + 1) * 50_000))),
    band(2, encoder.encode('done\n')),
    encoder.encode('0000'),
  ]);
  const whole = demux(response, []);

  it('passes the pack bytes on in order and the other lines whole', () => {
    expect(Buffer.from(whole.pack).equals(Buffer.from(packBytes))).toBe(true);
    expect(whole.lines).toEqual([
      'shallow 0123456789012345678901234567890123456789\n',
      'NAK\n',
      '\u0002Counting objects: 3\r',
      '\u0002done\n',
    ]);
    expect(whole.flushes).toBe(2);
  });

  it('gives the same for any split of the response', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: response.length - 1 }), { maxLength: 300 }), (cuts) => {
        const split = demux(response, cuts);
        expect(Buffer.from(split.pack).equals(Buffer.from(packBytes))).toBe(true);
        expect(split.lines).toEqual(whole.lines);
        expect(split.flushes).toBe(2);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a response cut mid-line or with a malformed length', () => {
    expect(() => demux(response.subarray(0, response.length - 1000), [])).toThrow(GitPackError);
    expect(() => demux(response.subarray(0, 2), [])).toThrow(/mid-response/);
    expect(() => demux(encoder.encode('00zz'), [])).toThrow(/malformed/);
    expect(() => demux(encoder.encode('0003'), [])).toThrow(/malformed/);
  });
});
