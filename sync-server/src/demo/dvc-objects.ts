import { dirHash, hashBytes, hashWasmMd5, type Md5Factory } from '@cairn/core';

/**
 * DVC-exact hashes of the demo's data, by the core hashing DVC compatibility is tested against
 * (`hash: md5`, DVC 3), and the objects a `dvc push` would have sent: file contents under their
 * MD5 and directory manifests under `MD5.dir`.
 */

export interface HashedFile {
  md5: string;
  size: number;
}

export interface HashedDir {
  /** `<md5 of the manifest>.dir` */
  oid: string;
  size: number;
  nfiles: number;
}

export class DvcObjects {
  /** oid (`md5` or `md5.dir`) → bytes: what the remote must hold. */
  readonly objects = new Map<string, Uint8Array>();
  private readonly md5: Md5Factory = hashWasmMd5();

  /** Hashes a file; `push: false` for files kept in git (sources, `cache: false` metrics). */
  async file(bytes: Uint8Array, push = true): Promise<HashedFile> {
    const h = await hashBytes(bytes, 'md5', this.md5);
    if (push) this.objects.set(h.md5, bytes);
    return h;
  }

  /** Hashes a directory given as relpath → bytes, storing each file and the manifest. */
  async dir(files: Map<string, Uint8Array>): Promise<HashedDir> {
    const entries = [];
    for (const [relpath, bytes] of files) {
      const h = await this.file(bytes);
      entries.push({ relpath, md5: h.md5, size: h.size });
    }
    const d = await dirHash(entries, this.md5);
    this.objects.set(d.oid, d.bytes);
    return { oid: d.oid, size: d.size ?? 0, nfiles: d.nfiles };
  }
}

/** Text as UTF-8 bytes. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
