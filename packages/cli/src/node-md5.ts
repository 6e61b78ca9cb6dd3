/**
 * MD5 through Node's `crypto` (OpenSSL), the fast path on Node: core's hashing functions take
 * their MD5 implementation as a parameter, and this adapter is the CLI's.
 */
import { createHash } from 'node:crypto';
import type { Md5 } from '@cairn/core';

export function nodeMd5(): Md5 {
  const h = createHash('md5');
  return {
    update(data) {
      h.update(data);
    },
    hex() {
      return h.digest('hex');
    },
  };
}
