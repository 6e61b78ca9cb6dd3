/**
 * The end of `git index-pack`, shared by both pack indexers (pack-indexer.ts: a pack walked in
 * one pass over its bytes; pack-stream-indexer.ts: a pack indexed as it arrives): once every
 * entry's place is known and every whole object hashed, deltas are resolved base-first (each
 * base's children in one depth-first pass, so only one chain of contents is held at a time),
 * then the version 2 `.idx` is written — byte for byte what git writes.
 */
import type { IHasher } from 'hash-wasm';
import { applyDelta, bytesToHex, GitObjectError, type GitObjectType } from './git-objects.ts';
import { deflatedBound, type PackBytesSync, PackWindow } from './pack-bytes.ts';

/** Inflates the zlib stream at the start of `data` (exactly `size` bytes out) and says how much input it used. */
export type InflateEntry = (data: Uint8Array, size: number) => { content: Uint8Array; consumed: number };

export const TYPE_NAMES: (GitObjectType | null)[] = [null, 'commit', 'tree', 'blob', 'tag', null, null, null];
export const OFS_DELTA = 6;
export const REF_DELTA = 7;
/** The longest entry header: type and size varint, then an OFS varint or a REF_DELTA's 20-byte id. */
export const MAX_HEADER = 32;
const encoder = new TextEncoder();

/** One pack entry as an indexer records it. */
export interface PackEntry {
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

export interface ResolveProgress {
  phase: 'Resolving deltas';
  loaded: number;
  total: number;
}

/** An entry's header parsed from `w` (its first bytes), or null when `w` ends before it does. */
export function parseEntryHeader(
  w: Uint8Array,
  length: number,
  offset: number,
): { kind: number; size: number; headerBytes: number; baseOffset?: number; baseOid?: string } | null {
  let i = 0;
  if (length < 1) return null;
  let byte = w[i++] as number;
  const kind = (byte >> 4) & 7;
  let size = byte & 15;
  let shift = 4;
  while (byte & 0x80) {
    if (i >= length) return null;
    if (shift > 53) throw new GitObjectError(`pack entry at ${offset} has a malformed size`);
    byte = w[i++] as number;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  }
  if (kind === OFS_DELTA) {
    if (i >= length) return null;
    byte = w[i++] as number;
    let back = byte & 0x7f;
    while (byte & 0x80) {
      if (i >= length) return null;
      byte = w[i++] as number;
      back = (back + 1) * 128 + (byte & 0x7f);
    }
    if (back <= 0 || back > offset) throw new GitObjectError(`delta at ${offset} points outside the pack`);
    return { kind, size, headerBytes: i, baseOffset: offset - back };
  }
  if (kind === REF_DELTA) {
    if (i + 20 > length) return null;
    return { kind, size, headerBytes: i + 20, baseOid: bytesToHex(w, i, i + 20) };
  }
  if (!TYPE_NAMES[kind]) throw new GitObjectError(`unknown pack entry type ${kind} at ${offset}`);
  return { kind, size, headerBytes: i };
}

/** Inflates the entry whose zlib data starts `data` (at `at` in the pack, for messages). */
export function inflateAt(
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

/** The object id of `content` as an object of `type` (hashes its git header, then it). */
export function objectId(sha: IHasher, type: GitObjectType, content: Uint8Array): Uint8Array {
  sha.init();
  sha.update(objectHeader(type, content.length));
  sha.update(content);
  return sha.digest('binary');
}

/** What git hashes before an object's content: `<type> <size>\0`. */
export function objectHeader(type: GitObjectType, size: number): Uint8Array {
  return encoder.encode(`${type} ${size}\0`);
}

/**
 * Gives every delta entry its object id, base first, reading entries of `objects` (the pack's
 * bytes before its trailer) through a small window: deltas jump about the pack, so a jump reads little.
 * @throws GitObjectError when a delta's base is not in the pack (a thin pack) or the data is damaged.
 */
export function resolveDeltas(
  entries: PackEntry[],
  objects: PackBytesSync,
  windowBytes: number,
  inflateEntry: InflateEntry,
  sha: IHasher,
  onProgress?: (p: ResolveProgress) => void,
): void {
  const random = new PackWindow(objects, windowBytes);
  const inflateEntryAt = (e: PackEntry): Uint8Array =>
    inflateAt(inflateEntry, random.from(e.dataAt, deflatedBound(e.size)), e.dataAt, e.size).content;
  const ofsChildren = new Map<number, PackEntry[]>();
  const refChildren = new Map<string, PackEntry[]>();
  let deltas = 0;
  for (const e of entries) {
    if (e.baseOffset !== undefined) push(ofsChildren, e.baseOffset, e);
    else if (e.baseOid !== undefined) push(refChildren, e.baseOid, e);
    else continue;
    deltas++;
  }
  let resolved = 0;
  const resolveChildren = (base: PackEntry, type: GitObjectType, content: Uint8Array): void => {
    // An explicit stack: a chain can be thousands deep.
    const stack: { entry: PackEntry; content: Uint8Array }[] = [{ entry: base, content }];
    while (stack.length) {
      const { entry, content: baseContent } = stack.pop() as { entry: PackEntry; content: Uint8Array };
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
  if (deltas > 0) {
    for (const e of entries) {
      if (e.oid === null || e.baseOffset !== undefined || e.baseOid !== undefined) continue;
      if (!ofsChildren.has(e.offset) && !refChildren.has(bytesToHex(e.oid))) continue;
      resolveChildren(e, TYPE_NAMES[e.kind] as GitObjectType, inflateEntryAt(e));
    }
  }
  const missing = entries.find((e) => e.oid === null);
  if (missing) {
    throw new GitObjectError(
      missing.baseOid
        ? `delta base ${missing.baseOid} is not in the pack (a thin pack cannot be indexed alone)`
        : `delta at ${missing.offset} has no base in the pack`,
    );
  }
}

function push<K>(map: Map<K, PackEntry[]>, key: K, e: PackEntry): void {
  const list = map.get(key);
  if (list) list.push(e);
  else map.set(key, [e]);
}

function compareIds(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 20; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d) return d;
  }
  return 0;
}

/** gitformat-pack(5), "Version 2 pack-*.idx files". */
export function writeIdx(entries: PackEntry[], packTrailer: Uint8Array, sha: IHasher): Uint8Array {
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
