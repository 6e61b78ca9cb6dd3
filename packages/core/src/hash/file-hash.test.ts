/// <reference types="vite/client" />
import fc from 'fast-check';
import { createMD5, type IHasher } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { FileHasher, type HashAlgorithm, hashAlgorithmOf, hashBytes, hashStream } from './file-hash.ts';
import { hashWasmMd5, type Md5 } from './md5.ts';
import { dos2unix, isTextBlock } from './text-heuristic.ts';

// core compiles without DOM or Node types; every runtime it targets has these.
declare const TextEncoder: { new (): { encode(s: string): Uint8Array } };
declare const TextDecoder: { new (): { decode(b: Uint8Array): string } };

// Expected values were computed with Python's hashlib and a transcription of dvc-data's
// Dos2UnixHashStreamFile (1 MiB reads, istextblock on each chunk's first 512 bytes).
// hash-wasm is the implementation core tests can run everywhere; packages/cli tests the same
// vectors through Node's crypto adapter.
const wasm = hashWasmMd5();
const fixtureText = import.meta.glob('../../../../test/fixtures/**/*.{json,yml,csv}', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;
const enc = (s: string) => new TextEncoder().encode(s);

async function* pieces(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const vectors: { name: string; bytes: Uint8Array; md5: string; legacy: string }[] = [
  {
    name: 'empty',
    bytes: new Uint8Array(),
    md5: 'd41d8cd98f00b204e9800998ecf8427e',
    legacy: 'd41d8cd98f00b204e9800998ecf8427e',
  },
  {
    name: 'CRLF text',
    bytes: enc('line one\r\nline two\r\n'),
    md5: 'a775daabdb44c57a65eaadeef4edfe51',
    legacy: '987929d61c9b69f0c6406b840aa77fd8',
  },
  {
    name: 'LF text',
    bytes: enc('line one\nline two\n'),
    md5: '987929d61c9b69f0c6406b840aa77fd8',
    legacy: '987929d61c9b69f0c6406b840aa77fd8',
  },
  {
    name: 'binary with CRLF and NUL',
    bytes: new Uint8Array([0, 1, 2, 13, 10, 255, 13, 10]),
    md5: '28c2fbe543a9e7fcf868fd153faad8d8',
    legacy: '28c2fbe543a9e7fcf868fd153faad8d8',
  },
  {
    name: 'CJK text (>30 % bytes ≥ 0x80 ⇒ binary)',
    bytes: enc('日本語のテキスト\r\n'.repeat(10)),
    md5: '6b80186f67088fb3e7a053480cbd1fd7',
    legacy: '6b80186f67088fb3e7a053480cbd1fd7',
  },
  {
    name: 'CRLF split across the 1 MiB chunk boundary (left alone)',
    bytes: enc(`${'x'.repeat(2 ** 20 - 1)}\r\nabc\r\n`),
    md5: 'e047a97f166959b3c6007a30121ae670',
    legacy: '0b3e4e50c3da34a4003fe7d68e0b7415',
  },
  {
    name: 'text first chunk, binary second chunk (test repeated per chunk)',
    bytes: (() => {
      const first = enc('t\r\n'.repeat(2 ** 20 / 3 + 1)).subarray(0, 2 ** 20);
      const rest = new Uint8Array([0, 13, 10, ...enc('q\r\n'.repeat(10))]);
      const all = new Uint8Array(first.length + rest.length);
      all.set(first);
      all.set(rest, first.length);
      return all;
    })(),
    md5: '6295a84f581c11508f8758ecff2ea15a',
    legacy: '5556dd70f57f89e8252243d95fe6dab1',
  },
];

describe('file hashes as DVC computes them', () => {
  for (const v of vectors) {
    it(v.name, async () => {
      expect(await hashBytes(v.bytes, 'md5', wasm)).toEqual({ md5: v.md5, size: v.bytes.length });
      expect(await hashBytes(v.bytes, 'md5-dos2unix', wasm)).toEqual({ md5: v.legacy, size: v.bytes.length });
    });
  }

  it('does not depend on how the source is cut into pieces', async () => {
    const big = vectors.at(-1)!;
    for (const size of [511, 512, 4096, 65_537, 2 ** 20, 2 ** 20 + 3]) {
      const h = await hashStream(pieces(big.bytes, size), 'md5-dos2unix', wasm);
      expect(h.md5, `pieces of ${size}`).toBe(big.legacy);
    }
  });

  it('property: any split of any bytes gives the same hash as one push', async () => {
    // Two raw hash-wasm instances, reset per run (the pooled adapter is single-use per digest).
    const [ra, rb] = await Promise.all([createMD5(), createMD5()]);
    const reusable = (h: IHasher): Md5 => {
      h.init();
      return { update: (d) => h.update(d), hex: () => h.digest('hex') };
    };
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.nat({ max: 3000 }), { maxLength: 6 }),
        fc.constantFrom<HashAlgorithm>('md5', 'md5-dos2unix'),
        (bytes, cuts, algorithm) => {
          const whole = new FileHasher(reusable(ra), algorithm);
          whole.push(bytes);
          const split = new FileHasher(reusable(rb), algorithm);
          let at = 0;
          for (const c of [...cuts].sort((a, b) => a - b)) {
            split.push(bytes.subarray(at, Math.max(at, c)));
            at = Math.max(at, c);
          }
          split.push(bytes.subarray(at));
          expect(split.finish()).toEqual(whole.finish());
        },
      ),
    );
  });

  it("matches DVC's own legacy hashes of fixture files", async () => {
    const known: [string, string][] = [
      ['example-get-started/dvc2-799c9ad/evaluation.json', '099ba05938dcee126403b109f3ce793f'],
      ['example-get-started/dvc2-799c9ad/evaluation/plots/roc.json', '6ff55945578272fc388e662680855e59'],
      ['dagshub-logger-legacy/hyperparams-as-dependency.params.yml', '2746c7186a620eaea52a95f92f236d8c'],
      ['dagshub-logger-legacy/hyperparams-as-dependency.metrics.csv', 'bd672388079206cc41b5d8410343c704'],
      ['dagshub-logger-legacy/hyperparams-as-output.metrics.csv', '3edfb6bf8c77d7e112eff1df380b6268'],
    ];
    for (const [file, md5] of known) {
      const text = Object.entries(fixtureText).find(([k]) => k.endsWith(`/test/fixtures/${file}`))?.[1];
      expect(text, file).toBeDefined();
      const bytes = new TextEncoder().encode(text ?? '');
      expect((await hashBytes(bytes, 'md5-dos2unix', wasm)).md5, file).toBe(md5);
    }
  });

  it('picks the algorithm per entry from its hash key', () => {
    expect(hashAlgorithmOf({ hash: 'md5' })).toBe('md5');
    expect(hashAlgorithmOf({})).toBe('md5-dos2unix');
    expect(hashAlgorithmOf({ hash: 'sha256' })).toBeUndefined();
  });
});

describe('text heuristic', () => {
  it('follows istextblock: empty text, NUL binary, 30 % threshold inclusive', () => {
    expect(isTextBlock(new Uint8Array())).toBe(true);
    expect(isTextBlock(new Uint8Array([65, 0, 65]))).toBe(false);
    expect(isTextBlock(new Uint8Array([...Array(7).fill(65), 200, 200, 200]))).toBe(true); // exactly 0.3
    expect(isTextBlock(new Uint8Array([...Array(6).fill(65), 200, 200, 200, 200]))).toBe(false);
  });
  it('dos2unix turns CRLF into LF and keeps lone CR', () => {
    expect(new TextDecoder().decode(dos2unix(enc('a\r\nb\rc\r\n\r\r\n')))).toBe('a\nb\rc\n\r\n');
  });
});
