/**
 * What `git index-pack` does, for a pack received by a clone: walks every entry once (inflate,
 * CRC-32 of the raw entry, SHA-1 of whole objects), checks the pack's trailing checksum, then
 * resolves deltas base-first (each base's children in one depth-first pass, so only one chain
 * of contents is held at a time) and writes a version 2 `.idx` — byte for byte what git writes,
 * so git, isomorphic-git and GitObjectStore all read it.
 *
 * Pure: the pack is a byte array passed in (one copy, never duplicated here) or a file read by
 * range through small windows (pack-bytes.ts), and zlib comes in
 * as `inflateEntry`, which must say how many input bytes the stream used — the only way to find
 * where the next entry starts. Hashing is hash-wasm's (WASM, incremental, synchronous once made).
 */
import { createCRC32, createSHA1 } from 'hash-wasm';
import { bytesToHex, GitObjectError, type GitObjectType } from './git-objects.ts';
import { deflatedBound, type PackBytesSync, PackWindow, packBytesOf } from './pack-bytes.ts';
import {
  type InflateEntry,
  inflateAt,
  MAX_HEADER,
  OFS_DELTA,
  objectId,
  type PackEntry,
  parseEntryHeader,
  REF_DELTA,
  type ResolveProgress,
  resolveDeltas,
  TYPE_NAMES,
  writeIdx,
} from './pack-deltas.ts';

export type { InflateEntry } from './pack-deltas.ts';

export interface PackIndexResult {
  /** The `.idx` file (version 2). */
  idx: Uint8Array;
  /** The pack's own SHA-1 (its trailer), hex: git names the files `pack-<this>.pack/.idx`. */
  packHash: string;
  objects: number;
}

export interface IndexPackProgress {
  phase: 'Indexing objects' | ResolveProgress['phase'];
  loaded: number;
  total: number;
}

/**
 * SHA-1 of a pack's bytes fed as they arrive (all but the 20-byte trailer): a download hashes
 * while it waits on the network, and indexPack then compares instead of reading the pack again.
 */
export async function createPackChecksum(): Promise<{ update(bytes: Uint8Array): void; digest(): Uint8Array }> {
  const sha = await createSHA1();
  sha.init();
  return { update: (bytes) => sha.update(bytes), digest: () => sha.digest('binary') };
}

/**
 * The SHA-1 of a stream of bytes but its last 20 (the pack's trailer, once the stream ends), fed
 * as they arrive in pieces of any size: the last 20 seen are held back until more come.
 */
export async function createPackStreamChecksum(): Promise<{
  update(bytes: Uint8Array): void;
  digest(): Uint8Array;
}> {
  const sha = await createPackChecksum();
  const tail = new Uint8Array(20);
  let held = 0;
  return {
    update(chunk: Uint8Array): void {
      if (chunk.length >= 20) {
        sha.update(tail.subarray(0, held));
        sha.update(chunk.subarray(0, chunk.length - 20));
        tail.set(chunk.subarray(chunk.length - 20));
        held = 20;
        return;
      }
      // A short piece: what it pushes out of the held 20 is hashed, the rest is held.
      const spill = Math.max(0, held + chunk.length - 20);
      sha.update(tail.subarray(0, spill));
      tail.copyWithin(0, spill, held);
      held -= spill;
      tail.set(chunk, held);
      held += chunk.length;
    },
    digest: () => sha.digest(),
  };
}

/** Bytes read at a time walking the pack in order (entries whole in one window, mostly). */
const SEQUENTIAL_WINDOW = 8 * 1024 * 1024;
/** Bytes read at a time resolving deltas, which jump about the pack: small, so a jump reads little. */
const RANDOM_WINDOW = 256 * 1024;

/** Bytes read at a time from a ranged pack (tests make them tiny to cross every boundary). */
export interface PackIndexWindows {
  sequential?: number;
  random?: number;
}

/**
 * Builds the `.idx` of `pack` (a whole pack file, trailer included), in memory or read by range
 * (PackBytesSync: a file in OPFS, say — then only a few windows of it are held at once). `checksum`,
 * when given, is the SHA-1 of every byte before the trailer, already computed (createPackChecksum).
 */
export async function indexPack(
  pack: Uint8Array | PackBytesSync,
  inflateEntry: InflateEntry,
  onProgress?: (p: IndexPackProgress) => void,
  checksum?: Uint8Array,
  windows: PackIndexWindows = {},
): Promise<PackIndexResult> {
  const [sha, crc] = await Promise.all([createSHA1(), createCRC32()]);
  const whole = pack instanceof Uint8Array;
  const source = whole ? packBytesOf(pack) : pack;
  const size = source.size;
  const head = size >= 32 ? source.read(0, 12) : new Uint8Array(0);
  if (size < 32 || head[0] !== 0x50 || head[1] !== 0x41 || head[2] !== 0x43 || head[3] !== 0x4b) {
    throw new GitObjectError('not a pack file');
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const version = view.getUint32(4);
  if (version !== 2 && version !== 3) throw new GitObjectError(`pack version ${version} is not supported`);
  const count = view.getUint32(8);
  const end = size - 20;
  const packTrailer = source.read(end, 20).slice();

  // The trailer first: a damaged or truncated download is refused before any work.
  let trailer = checksum;
  if (!trailer) {
    sha.init();
    const step = whole ? end : (windows.sequential ?? SEQUENTIAL_WINDOW);
    for (let at = 0; at < end; at += step) sha.update(source.read(at, Math.min(end, at + step) - at));
    trailer = sha.digest('binary');
  }
  for (let i = 0; i < 20; i++) {
    if (trailer[i] !== packTrailer[i])
      throw new GitObjectError('pack checksum does not match: the download is damaged');
  }

  // Entries are read within the pack's objects only (never into the trailer).
  const objects: PackBytesSync = { size: end, read: (at, length) => source.read(at, length) };
  const sequential = new PackWindow(objects, whole ? end : (windows.sequential ?? SEQUENTIAL_WINDOW));
  const entries: PackEntry[] = new Array(count);
  let at = 12;
  for (let n = 0; n < count; n++) {
    if (at >= end) throw new GitObjectError(`pack ends after ${n} of ${count} objects`);
    const offset = at;
    let w = sequential.from(offset, MAX_HEADER);
    const header = parseEntryHeader(w, w.length, offset);
    if (!header) throw new GitObjectError(`pack entry at ${offset} is cut short`);
    const { kind, size, headerBytes: i } = header;
    const entry: PackEntry = { offset, dataAt: 0, kind, size, crc: 0, oid: null };
    if (header.baseOffset !== undefined) entry.baseOffset = header.baseOffset;
    if (header.baseOid !== undefined) entry.baseOid = header.baseOid;
    entry.dataAt = offset + i;
    // The whole entry in one window, so its CRC covers it in one pass.
    w = sequential.from(offset, i + deflatedBound(size));
    const { content, consumed } = inflateAt(inflateEntry, w.subarray(i), entry.dataAt, size);
    at = entry.dataAt + consumed;
    crc.init();
    crc.update(w.subarray(0, i + consumed));
    entry.crc = Number.parseInt(crc.digest('hex'), 16);
    if (kind !== OFS_DELTA && kind !== REF_DELTA) entry.oid = objectId(sha, TYPE_NAMES[kind] as GitObjectType, content);
    entries[n] = entry;
    if (onProgress && (n % 1024 === 0 || n === count - 1))
      onProgress({ phase: 'Indexing objects', loaded: n + 1, total: count });
  }
  if (at !== end) throw new GitObjectError('pack has bytes after its last object');

  resolveDeltas(entries, objects, whole ? end : (windows.random ?? RANDOM_WINDOW), inflateEntry, sha, onProgress);
  return { idx: writeIdx(entries, packTrailer, sha), packHash: bytesToHex(packTrailer), objects: count };
}
