/**
 * A repository's git packs kept in the Origin Private File System, beside its lightning-fs
 * database: one OPFS folder per repository file system, one file per pack (`pack-<hash>.pack`).
 * lightning-fs stores a file as one IndexedDB value, so a pack there is written, and read back,
 * whole — a 2 GiB clone does not fit in a tab. Here a clone streams its pack into a file
 * (git-pack-writer.ts, in a worker) and readers take byte ranges of it (a `File`'s slices), never
 * the whole pack. The small git files (refs, config, `.idx`, index) and the working tree stay in
 * lightning-fs, and packed-fs.ts serves these packs at their usual paths.
 */
import { blockCachedPackFile, type PackFile } from '@cairn/core/git';

/** A stored pack's file name: git's own (`pack-<40 hex>.pack`). */
export const PACK_FILE_NAME = /^pack-[0-9a-f]{40}\.pack$/;

/** The pack file a path in a repository names (`…/.git/objects/pack/pack-<hash>.pack`), or null. */
export function packNameOf(path: string): string | null {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return PACK_FILE_NAME.test(name) && path.endsWith(`/.git/objects/pack/${name}`) ? name : null;
}

/** The OPFS folder holding the packs of the lightning-fs database `fsName` (names may hold '/'). */
export function packFolderName(fsName: string): string {
  return `git-packs~${encodeURIComponent(fsName)}`;
}

/** True where this context can read OPFS files (any page or worker of a browser with OPFS). */
function opfsAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

/**
 * True where a clone may try streaming its pack into OPFS: workers and OPFS. Sync access handles
 * exist in dedicated workers only, so the worker itself says when it has none (pack-receive-client.ts).
 */
export function packStreamingAvailable(): boolean {
  return opfsAvailable() && typeof Worker !== 'undefined';
}

/** True in a context that can write OPFS files through sync access handles (a dedicated worker). */
export function syncAccessHandlesAvailable(): boolean {
  const handle = (globalThis as { FileSystemFileHandle?: { prototype: object } }).FileSystemFileHandle;
  return opfsAvailable() && handle !== undefined && 'createSyncAccessHandle' in handle.prototype;
}

const notFound = (error: unknown) => {
  const name = (error as { name?: unknown }).name;
  return name === 'NotFoundError' || name === 'TypeMismatchError';
};

/** The packs of one repository file system. */
/**
 * The block cache in front of an OPFS pack: each miss is an asynchronous read of the file (a
 * round trip out of the JavaScript thread), so a walk of the history, which reads the commits and
 * trees packed together, wants few large blocks. With core's default (64 blocks of 64 KiB) the log
 * with changed-file counts of 3,000 commits read by range took twice as long as reading the whole
 * pack out of IndexedDB (history-walk bench). 32 MiB per open pack at most.
 */
const PACK_CACHE = { blockBytes: 256 * 1024, maxBlocks: 128 };

/**
 * Packs up to this size are read whole and kept by the reader, as packs in lightning-fs always
 * were: every object then reads synchronously from memory. By range, the same walk cost 1.6× the
 * main thread's CPU (an awaited file read per cache miss and per object); a clone's large pack
 * stays by range, so memory stays bounded whatever its size.
 */
const WHOLE_PACK_BYTES = 64 * 1024 * 1024;

export class StoredPacks {
  readonly folderName: string;

  /** Packs up to this size are read whole (`open`); WHOLE_PACK_BYTES unless said otherwise. */
  readonly wholePackBytes: number;

  constructor(
    readonly fsName: string,
    opts: { wholePackBytes?: number } = {},
  ) {
    this.folderName = packFolderName(fsName);
    this.wholePackBytes = opts.wholePackBytes ?? WHOLE_PACK_BYTES;
  }

  private async folder(): Promise<FileSystemDirectoryHandle | null> {
    if (!opfsAvailable()) return null;
    try {
      return await (await navigator.storage.getDirectory()).getDirectoryHandle(this.folderName);
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  }

  /** The pack `name` as a file, or null when it is not stored here (an older clone keeps it in lightning-fs). */
  async file(name: string): Promise<File | null> {
    if (!PACK_FILE_NAME.test(name)) return null;
    const dir = await this.folder();
    if (!dir) return null;
    try {
      return await (await dir.getFileHandle(name)).getFile();
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  }

  /**
   * The pack `name` for reading objects: up to WHOLE_PACK_BYTES its bytes, read at once; bigger,
   * read by range through a block cache (PACK_CACHE). Null when it is not stored here.
   */
  async open(name: string): Promise<PackFile | Uint8Array | null> {
    const file = await this.file(name);
    if (!file) return null;
    if (file.size <= this.wholePackBytes) return new Uint8Array(await file.arrayBuffer());
    return blockCachedPackFile(
      file.size,
      async (at, length) => new Uint8Array(await file.slice(at, at + length).arrayBuffer()),
      PACK_CACHE,
    );
  }

  /** Names of the packs stored here. */
  async list(): Promise<string[]> {
    const dir = await this.folder();
    if (!dir) return [];
    const names: string[] = [];
    // TypeScript's DOM library does not declare the directory handle's async iteration yet.
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) {
      if (PACK_FILE_NAME.test(name)) names.push(name);
    }
    return names.sort();
  }

  /** Bytes the stored packs take. */
  async bytes(): Promise<number> {
    let total = 0;
    for (const name of await this.list()) total += (await this.file(name))?.size ?? 0;
    return total;
  }

  async remove(name: string): Promise<void> {
    const dir = await this.folder();
    try {
      await dir?.removeEntry(name);
    } catch (error) {
      if (!notFound(error)) throw error;
    }
  }

  /** Removes every pack of this repository (its local copy is being deleted). */
  async removeAll(): Promise<void> {
    if (!opfsAvailable()) return;
    try {
      await (await navigator.storage.getDirectory()).removeEntry(this.folderName, { recursive: true });
    } catch (error) {
      if (!notFound(error)) throw error;
    }
  }
}
