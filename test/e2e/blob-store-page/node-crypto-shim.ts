/**
 * Stands in for `node:crypto` in the browser page: the conformance suite's `createHash('md5')`,
 * on hash-wasm (whose MD5, once made, hashes synchronously as node's does).
 */
import { createMD5 } from 'hash-wasm';

const md5 = await createMD5();

export function createHash(algorithm: 'md5') {
  if (algorithm !== 'md5') throw new Error(`only md5 is available in the page, not ${algorithm}`);
  md5.init();
  return {
    update(bytes: Uint8Array | string) {
      md5.update(bytes);
      return this;
    },
    digest(encoding: 'hex') {
      if (encoding !== 'hex') throw new Error('only hex digests are available in the page');
      return md5.digest('hex');
    },
  };
}
