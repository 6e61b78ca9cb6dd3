/**
 * A file as the viewers receive it, whether its bytes come from git or from the data cache:
 * its name and size, its first bytes (to pick a viewer), and its content on demand as a Blob,
 * which the browser may keep on disk, so a multi-gigabyte data file never has to be one array.
 */
import type { BlobStore, ObjectId } from '../storage/blob-store.ts';

export interface ViewFile {
  name: string;
  path: string;
  size: number;
  /** The first 8 KiB (or the whole file if smaller). */
  head: Uint8Array;
  blob(): Promise<Blob>;
}

const HEAD = 8192;

export function fileFromBytes(path: string, bytes: Uint8Array): ViewFile {
  return {
    name: path.slice(path.lastIndexOf('/') + 1),
    path,
    size: bytes.byteLength,
    head: bytes.subarray(0, HEAD),
    blob: async () => new Blob([bytes as Uint8Array<ArrayBuffer>]),
  };
}

/** A data object from the cache; null when it is not on this device. */
export async function fileFromStore(store: BlobStore, path: string, oid: ObjectId): Promise<ViewFile | null> {
  const size = await store.size(oid);
  if (size === null) return null;
  let head = new Uint8Array();
  for await (const chunk of store.chunks(oid)) {
    head = chunk.slice(0, HEAD);
    break;
  }
  return {
    name: path.slice(path.lastIndexOf('/') + 1),
    path,
    size,
    head,
    blob: async () => {
      // A 1 GiB object in OPFS is saved from its file, not gathered in memory.
      const onDisk = await store.diskBlob?.(oid);
      if (onDisk) return onDisk;
      const parts: BlobPart[] = [];
      for await (const chunk of store.chunks(oid)) parts.push(chunk as Uint8Array<ArrayBuffer>);
      return new Blob(parts);
    },
  };
}

/** Human-readable byte counts: 1.2 MB, 830 B. */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}
