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
import { createCRC32, createSHA1, type IHasher } from 'hash-wasm';
import { applyDelta, bytesToHex, GitObjectError, type GitObjectType } from './git-objects.ts';
import { deflatedBound, type PackBytesSync, PackWindow, packBytesOf } from './pack-bytes.ts';

/** Inflates the zlib stream at the start of `data` (exactly `size` bytes out) and says how much input it used. */
export type InflateEntry = (data: Uint8Array, size: number) => { content: Uint8Array; consumed: number };

export interface PackIndexResult {
  /** The `.idx` file (version 2). */
  idx: Uint8Array;
  /** The pack's own SHA-1 (its trailer), hex: git names the files `pack-<this>.pack/.idx`. */
  packHash: string;
  objects: number;
}

export interface IndexPackProgress {
  phase: 'Indexing objects' | 'Resolving deltas';
  loaded: number;
  total: number;
}

const TYPE_NAMES: (GitObjectType | null)[] = [null, 'commit', 'tree', 'blob', 'tag', null, null, null];
const OFS_DELTA = 6;
const REF_DELTA = 7;
const encoder = new TextEncoder();

interface Entry {
  offset: number;
  /** Where the zlib data starts. */
  dataAt: number;
  kind: number;
  size: number;
  crc: number;
  /** Object id (20 bytes) once known. */
  oid: Uint8Array | null;
  /** For deltas: the base's offset (OFS) or id (REF, hex). */
  baseOffset?: number;
  baseOid?: string;
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

/** Bytes read at a time walking the pack in order (entries whole in one window, mostly). */
const SEQUENTIAL_WINDOW = 8 * 1024 * 1024;
/** Bytes read at a time resolving deltas, which jump about the pack: small, so a jump reads little. */
const RANDOM_WINDOW = 256 * 1024;
/** The longest entry header: type and size varint, then an OFS varint or a REF_DELTA's 20-byte id. */
const MAX_HEADER = 32;

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
  const entries: Entry[] = new Array(count);
  const byOffset = new Map<number, Entry>();
  let at = 12;
  for (let n = 0; n < count; n++) {
    if (at >= end) throw new GitObjectError(`pack ends after ${n} of ${count} objects`);
    const offset = at;
    let w = sequential.from(offset, MAX_HEADER);
    let i = 0;
    let byte = w[i++] as number;
    const kind = (byte >> 4) & 7;
    let size = byte & 15;
    let shift = 4;
    while (byte & 0x80 && i < w.length) {
      byte = w[i++] as number;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    const entry: Entry = { offset, dataAt: 0, kind, size, crc: 0, oid: null };
    if (kind === OFS_DELTA) {
      byte = w[i++] as number;
      let back = byte & 0x7f;
      while (byte & 0x80 && i < w.length) {
        byte = w[i++] as number;
        back = (back + 1) * 128 + (byte & 0x7f);
      }
      if (back <= 0 || back > offset) throw new GitObjectError(`delta at ${offset} points outside the pack`);
      entry.baseOffset = offset - back;
    } else if (kind === REF_DELTA) {
      if (i + 20 > w.length) throw new GitObjectError(`delta at ${offset} is cut short`);
      entry.baseOid = bytesToHex(w, i, i + 20);
      i += 20;
    } else if (!TYPE_NAMES[kind]) {
      throw new GitObjectError(`unknown pack entry type ${kind} at ${offset}`);
    }
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
    byOffset.set(offset, entry);
    if (onProgress && (n % 1024 === 0 || n === count - 1))
      onProgress({ phase: 'Indexing objects', loaded: n + 1, total: count });
  }
  if (at !== end) throw new GitObjectError('pack has bytes after its last object');

  // Deltas, base first: children by base offset (OFS) and by base id (REF).
  const random = new PackWindow(objects, whole ? end : (windows.random ?? RANDOM_WINDOW));
  const inflateEntryAt = (e: Entry): Uint8Array =>
    inflateAt(inflateEntry, random.from(e.dataAt, deflatedBound(e.size)), e.dataAt, e.size).content;
  const ofsChildren = new Map<number, Entry[]>();
  const refChildren = new Map<string, Entry[]>();
  let deltas = 0;
  for (const e of entries) {
    if (e.baseOffset !== undefined) push(ofsChildren, e.baseOffset, e);
    else if (e.baseOid !== undefined) push(refChildren, e.baseOid, e);
    else continue;
    deltas++;
  }
  let resolved = 0;
  const resolveChildren = (base: Entry, type: GitObjectType, content: Uint8Array): void => {
    // An explicit stack: a chain can be thousands deep.
    const stack: { entry: Entry; content: Uint8Array }[] = [{ entry: base, content }];
    while (stack.length) {
      const { entry, content: baseContent } = stack.pop() as { entry: Entry; content: Uint8Array };
      const children = [
        ...(ofsChildren.get(entry.offset) ?? []),
        ...(refChildren.get(bytesToHex(entry.oid as Uint8Array)) ?? []),
      ];
      for (const child of children) {
        const result = applyDelta(inflateEntryAt(child), baseContent);
        child.oid = objectId(sha, type, result);
        resolved++;
        if (onProgress && (resolved % 256 === 0 || resolved === deltas)) {
          onProgress({ phase: 'Resolving deltas', loaded: resolved, total: deltas });
        }
        if (ofsChildren.has(child.offset) || refChildren.has(bytesToHex(child.oid))) {
          stack.push({ entry: child, content: result });
        }
      }
    }
  };
  for (const e of entries) {
    if (e.oid === null || e.baseOffset !== undefined || e.baseOid !== undefined) continue;
    if (!ofsChildren.has(e.offset) && !refChildren.has(bytesToHex(e.oid))) continue;
    resolveChildren(e, TYPE_NAMES[e.kind] as GitObjectType, inflateEntryAt(e));
  }
  const missing = entries.find((e) => e.oid === null);
  if (missing) {
    throw new GitObjectError(
      missing.baseOid
        ? `delta base ${missing.baseOid} is not in the pack (a thin pack cannot be indexed alone)`
        : `delta at ${missing.offset} has no base in the pack`,
    );
  }
  return { idx: writeIdx(entries, packTrailer, sha), packHash: bytesToHex(packTrailer), objects: count };
}

function push<K>(map: Map<K, Entry[]>, key: K, e: Entry): void {
  const list = map.get(key);
  if (list) list.push(e);
  else map.set(key, [e]);
}

/** Inflates the entry whose zlib data starts `data` (at `at` in the pack, for messages). */
function inflateAt(
  inflateEntry: InflateEntry,
  data: Uint8Array,
  at: number,
  size: number,
): { content: Uint8Array; consumed: number } {
  let out: { content: Uint8Array; consumed: number };
  try {
    out = inflateEntry(data, size);
  } catch (e) {
    throw new GitObjectError(`damaged zlib data at ${at}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (out.content.length !== size) throw new GitObjectError(`pack entry at ${at} inflates to the wrong size`);
  return out;
}

function objectId(sha: IHasher, type: GitObjectType, content: Uint8Array): Uint8Array {
  sha.init();
  sha.update(encoder.encode(`${type} ${content.length}\0`));
  sha.update(content);
  return sha.digest('binary');
}

function compareIds(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 20; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d) return d;
  }
  return 0;
}

/** gitformat-pack(5), "Version 2 pack-*.idx files". */
function writeIdx(entries: Entry[], packTrailer: Uint8Array, sha: IHasher): Uint8Array {
  const sorted = [...entries].sort((a, b) => compareIds(a.oid as Uint8Array, b.oid as Uint8Array));
  const n = sorted.length;
  const large = sorted.filter((e) => e.offset >= 0x80000000).length;
  const out = new Uint8Array(8 + 1024 + n * 28 + large * 8 + 40);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xff744f63);
  view.setUint32(4, 2);
  const fanout = new Uint32Array(256);
  for (const e of sorted) {
    const first = (e.oid as Uint8Array)[0] as number;
    fanout[first] = (fanout[first] as number) + 1;
  }
  let running = 0;
  for (let i = 0; i < 256; i++) {
    running += fanout[i] as number;
    view.setUint32(8 + i * 4, running);
  }
  const namesAt = 8 + 1024;
  const crcAt = namesAt + 20 * n;
  const offsetsAt = crcAt + 4 * n;
  let largeAt = offsetsAt + 4 * n;
  let largeIndex = 0;
  sorted.forEach((e, i) => {
    out.set(e.oid as Uint8Array, namesAt + 20 * i);
    view.setUint32(crcAt + 4 * i, e.crc);
    if (e.offset < 0x80000000) {
      view.setUint32(offsetsAt + 4 * i, e.offset);
    } else {
      view.setUint32(offsetsAt + 4 * i, (0x80000000 | largeIndex++) >>> 0);
      view.setUint32(largeAt, Math.floor(e.offset / 2 ** 32));
      view.setUint32(largeAt + 4, e.offset >>> 0);
      largeAt += 8;
    }
  });
  out.set(packTrailer, largeAt);
  sha.init();
  sha.update(out.subarray(0, largeAt + 20));
  out.set(sha.digest('binary'), largeAt + 20);
  return out;
}
