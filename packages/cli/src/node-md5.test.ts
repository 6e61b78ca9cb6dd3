import { FileHasher, hashBytes, hashWasmMd5 } from '@cairn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeMd5 } from './node-md5.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('the node:crypto MD5 adapter', () => {
  it('gives the DVC 3 and legacy hashes of CRLF text (values from Python hashlib)', () => {
    const crlf = enc('line one\r\nline two\r\n');
    const h3 = new FileHasher(nodeMd5(), 'md5');
    h3.push(crlf);
    expect(h3.finish().md5).toBe('a775daabdb44c57a65eaadeef4edfe51');
    const h2 = new FileHasher(nodeMd5(), 'md5-dos2unix');
    h2.push(crlf);
    expect(h2.finish().md5).toBe('987929d61c9b69f0c6406b840aa77fd8');
  });

  it('agrees with hash-wasm on any bytes, under both algorithms', async () => {
    const wasm = hashWasmMd5();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4000 }), fc.boolean(), async (bytes, legacy) => {
        const algorithm = legacy ? 'md5-dos2unix' : 'md5';
        expect(await hashBytes(bytes, algorithm, nodeMd5)).toEqual(await hashBytes(bytes, algorithm, wasm));
      }),
      { numRuns: 50 },
    );
  });
});
