/**
 * The MD5 implementation is a parameter of every hashing function in this folder: Node's
 * `crypto` (OpenSSL) is ~1.4× faster than WebAssembly there, while the browser only has
 * hash-wasm. Node callers pass an adapter of their own (see packages/cli); this module holds
 * the interface and the hash-wasm adapter, which runs anywhere.
 */
import { createMD5, type IHasher } from 'hash-wasm';

/** One running MD5 computation. `hex()` ends it; the object must not be used afterwards. */
export interface Md5 {
  update(data: Uint8Array): void;
  /** The lowercase hex digest of everything passed to `update`. */
  hex(): string;
}

/** Makes a fresh `Md5`. May be async (WebAssembly instantiation is). */
export type Md5Factory = () => Md5 | Promise<Md5>;

/**
 * MD5 by hash-wasm. WebAssembly instances are reused once a digest is taken, because
 * instantiating one per file would dominate hashing many small files.
 */
export function hashWasmMd5(): Md5Factory {
  const idle: IHasher[] = [];
  return async () => {
    const hasher = idle.pop() ?? (await createMD5());
    hasher.init();
    let done = false;
    return {
      update(data) {
        hasher.update(data);
      },
      hex() {
        if (done) throw new Error('md5: digest already taken');
        done = true;
        const hex = hasher.digest('hex');
        idle.push(hasher);
        return hex;
      },
    };
  };
}
