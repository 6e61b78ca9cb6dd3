/// <reference lib="webworker" />
/**
 * The data cache's files in the Origin Private File System: one folder per cache database, one
 * file per stored piece (a streamed object, or a pack of a batch's small objects). Written only
 * through a `FileSystemSyncAccessHandle` (dedicated workers), whose `flush()` is the fsync that
 * makes bytes durable before an index row may name them; read anywhere as a `File`.
 */

/** True where this context can write OPFS files durably (Chromium and Safari dedicated workers). */
export function syncHandlesAvailable(): boolean {
  const handle = (globalThis as { FileSystemFileHandle?: { prototype: object } }).FileSystemFileHandle;
  return (
    typeof navigator !== 'undefined' &&
    typeof navigator.storage?.getDirectory === 'function' &&
    handle !== undefined &&
    'createSyncAccessHandle' in handle.prototype
  );
}

/** True where this context can read OPFS files (any page or worker of a browser with OPFS). */
export function opfsAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

/**
 * Bytes per sync-handle write. Larger writes are cut to this: on Linux 6.x (ext4 with large
 * folios), a write of 1 MiB or more asks the kernel for large page-cache folios, which a
 * fragmented or ballooned memory hands out slowly. Measured on this project's 2-core VM
 * (2026-12-03): 512 MiB through a sync handle in ~2 MiB writes took 1.1–5.5 s of writing,
 * the same in 256 KiB writes 0.16–0.22 s; natively, `dd bs=2M conv=fsync` 4.7 s and `dd bs=256k`
 * 0.41 s. A few more calls cost nothing measurable where large writes are fast.
 */
export const WRITE_SLICE_BYTES = 256 * 1024;

/**
 * Writes all of `bytes` at `at` through a sync access handle, in slices of WRITE_SLICE_BYTES
 * (a short write continues where it stopped). Returns the offset after the last byte.
 */
export function writeAllAt(handle: FileSystemSyncAccessHandle, bytes: Uint8Array, at: number): number {
  let offset = at;
  for (let done = 0; done < bytes.byteLength; ) {
    const end = Math.min(bytes.byteLength, done + WRITE_SLICE_BYTES);
    const n = handle.write(bytes.subarray(done, end), { at: offset });
    // A full disk throws in Chromium; a handle that takes nothing is treated the same.
    if (n <= 0) throw new DOMException('The file system accepted no more bytes.', 'QuotaExceededError');
    done += n;
    offset += n;
  }
  return offset;
}

/** One file being written: bytes in order, then `finish` flushes them to disk and closes it. */
export interface OpfsFileWriter {
  readonly name: string;
  /** Appends `bytes` (copied to the file before it returns: the caller may reuse them). */
  write(bytes: Uint8Array): Promise<void>;
  /** Flushes (fsync) and closes: once it resolves the bytes survive a crash. */
  finish(): Promise<void>;
  /** Closes (if open) and removes the file. */
  discard(): Promise<void>;
}

export class OpfsFolder {
  #dir: Promise<FileSystemDirectoryHandle> | null = null;

  constructor(readonly folderName: string) {}

  #folder(): Promise<FileSystemDirectoryHandle> {
    this.#dir ??= navigator.storage
      .getDirectory()
      .then((root) => root.getDirectoryHandle(this.folderName, { create: true }));
    return this.#dir;
  }

  /** A new file named `name`, opened for writing with a sync access handle (workers only). */
  create(name: string): OpfsFileWriter {
    let at = 0;
    let closed = false;
    const opened = this.#folder().then(async (dir) => {
      const file = await dir.getFileHandle(name, { create: true });
      return file.createSyncAccessHandle();
    });
    // The caller may never await a write (abort right away): keep a failed open from going unhandled.
    opened.catch(() => {});
    const remove = () => this.remove(name);
    return {
      name,
      async write(bytes) {
        at = writeAllAt(await opened, bytes, at);
      },
      async finish() {
        const handle = await opened;
        handle.flush();
        handle.close();
        closed = true;
      },
      async discard() {
        if (!closed) {
          closed = true;
          const handle = await opened.catch(() => null);
          handle?.close();
        }
        await remove();
      },
    };
  }

  /** The file `name`, or null when it is gone (evicted, or removed meanwhile). */
  async read(name: string): Promise<File | null> {
    const dir = await this.#folder();
    try {
      return await (await dir.getFileHandle(name)).getFile();
    } catch (error) {
      if ((error as { name?: unknown }).name === 'NotFoundError') return null;
      throw error;
    }
  }

  /** Removes `name`; a file already gone is fine. */
  async remove(name: string): Promise<void> {
    const dir = await this.#folder();
    try {
      await dir.removeEntry(name);
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'NotFoundError') throw error;
    }
  }

  /** Every file's name and last change (null while a writer holds it open). */
  async list(): Promise<Array<{ name: string; modifiedAt: number | null }>> {
    const dir = await this.#folder();
    const out: Array<{ name: string; modifiedAt: number | null }> = [];
    // TypeScript's DOM library does not declare the directory handle's async iteration yet.
    const entries = (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries();
    for await (const [name, handle] of entries) {
      if (handle.kind !== 'file') continue;
      const modifiedAt = await (handle as FileSystemFileHandle)
        .getFile()
        .then((f) => f.lastModified)
        .catch(() => null);
      out.push({ name, modifiedAt });
    }
    return out;
  }
}
