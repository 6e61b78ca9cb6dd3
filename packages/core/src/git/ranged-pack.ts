/**
 * A pack read by byte range (PackFile: a file in OPFS, say), for packs too large to hold: only
 * the entries read are fetched, through the file's bounded block cache (pack-bytes.ts). Reads
 * are asynchronous; packs in memory go through Pack (git-objects.ts), whose reads are not.
 * Resolved objects are kept (bounded) so delta chains are walked once.
 */

import { PackBuffers } from './byte-slab.ts';
import {
  applyDelta,
  bytesToHex,
  type GitObject,
  GitObjectError,
  type Inflate,
  inflateEntry,
  MAX_DELTA_CHAIN,
  MAX_OBJECT_BYTES,
  OFS_DELTA,
  type PackIndex,
  REF_DELTA,
  TYPES,
} from './git-objects.ts';
import { deflatedBound, type PackFile } from './pack-bytes.ts';
import { PackObjectCache } from './pack-object-cache.ts';

/** The longest entry header: type and size varint, then an OFS varint or a REF_DELTA's 20-byte id. */
const MAX_HEADER = 32;

/** One pack file read by range, and its index. */
export class RangedPack {
  private readonly cache: PackObjectCache;
  /** Where the objects end and the 20-byte trailer begins. */
  private readonly end: number;
  /** Where inflated objects and delta instructions go (see PackBuffers). */
  private readonly buffers = new PackBuffers();

  constructor(
    readonly index: PackIndex,
    private readonly file: PackFile,
    private readonly inflater: Inflate,
    /** Reads an object outside this pack (a thin pack's REF_DELTA base). */
    private readonly external: (oid: string) => Promise<GitObject | null> | GitObject | null,
    maxCachedBytes = 32 * 1024 * 1024,
  ) {
    this.cache = new PackObjectCache(maxCachedBytes);
    if (file.size < 32) throw new GitObjectError('not a pack file');
    this.end = file.size - 20;
  }

  async read(oid: string): Promise<GitObject | null> {
    const offset = this.index.offsetOf(oid);
    return offset < 0 ? null : this.readAt(offset);
  }

  /** Bytes from `at`: `length` of them, or fewer where the objects end. */
  private range(at: number, length: number): Promise<Uint8Array> {
    return this.file.read(at, Math.min(length, this.end - at));
  }

  /**
   * The object at `offset`: walks its delta chain down to a whole (or already resolved) object
   * without recursion, then applies the deltas back up, keeping each result for the next chain.
   */
  private async readAt(offset: number): Promise<GitObject> {
    const chain: { offset: number; dataAt: number; size: number }[] = [];
    let at = offset;
    let base: GitObject | undefined;
    while (base === undefined) {
      const hit = this.cache.get(at);
      if (hit) {
        base = hit;
        break;
      }
      const e = await this.entryAt(at);
      if (e.kind === OFS_DELTA || e.kind === REF_DELTA) {
        // git itself stops at depth 4095; a longer chain is a damaged pack (or a loop of REF_DELTAs).
        if (chain.length >= MAX_DELTA_CHAIN) throw new GitObjectError(`delta chain at ${offset} is too long`);
        chain.push({ offset: at, dataAt: e.dataAt, size: e.size });
        if (e.baseOffset !== undefined) {
          at = e.baseOffset;
          continue;
        }
        const baseOid = e.baseOid as string;
        const inPack = this.index.offsetOf(baseOid);
        if (inPack >= 0) {
          at = inPack;
          continue;
        }
        const external = await this.external(baseOid);
        if (!external) throw new GitObjectError(`delta base ${baseOid} is missing`);
        base = external;
      } else {
        const type = TYPES[e.kind];
        if (!type) throw new GitObjectError(`unknown pack entry type ${e.kind} at ${at}`);
        const data = await this.deflated(e.dataAt, e.size);
        base = { type, content: this.inflate(data, e.dataAt, e.size, this.buffers.contentOut(type, e.size)) };
        this.cache.set(at, base);
      }
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const d = chain[i] as { offset: number; dataAt: number; size: number };
      const data = await this.deflated(d.dataAt, d.size);
      // Inflated and applied with no await between: the scratch buffer is shared by every read.
      const delta = this.inflate(data, d.dataAt, d.size, this.buffers.deltaScratch(d.size));
      base = { type: base.type, content: applyDelta(delta, base.content, this.buffers.contentAlloc(base.type)) };
      this.cache.set(d.offset, base);
    }
    return base;
  }

  /** An entry's header: its kind, inflated size, where its zlib data starts, and its delta base. */
  private async entryAt(offset: number): Promise<{
    kind: number;
    size: number;
    dataAt: number;
    baseOffset?: number;
    baseOid?: string;
  }> {
    const end = this.end;
    if (offset < 12 || offset >= end) throw new GitObjectError(`pack offset ${offset} is out of range`);
    const p = await this.range(offset, MAX_HEADER);
    let i = 0;
    let byte = p[i++] as number;
    const kind = (byte >> 4) & 7;
    let size = byte & 15;
    let shift = 4;
    while (byte & 0x80 && i < p.length) {
      byte = p[i++] as number;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    if (size > MAX_OBJECT_BYTES) throw new GitObjectError(`pack entry at ${offset} claims ${size} bytes`);
    if (kind === OFS_DELTA) {
      byte = p[i++] as number;
      let back = byte & 0x7f;
      while (byte & 0x80 && i < p.length) {
        byte = p[i++] as number;
        back = (back + 1) * 128 + (byte & 0x7f);
      }
      if (back <= 0 || back > offset) throw new GitObjectError(`delta at ${offset} points outside the pack`);
      return { kind, size, dataAt: offset + i, baseOffset: offset - back };
    }
    if (kind === REF_DELTA) {
      if (i + 20 > p.length) throw new GitObjectError(`delta at ${offset} is cut short`);
      return { kind, size, dataAt: offset + i + 20, baseOid: bytesToHex(p, i, i + 20) };
    }
    return { kind, size, dataAt: offset + i };
  }

  /** An entry's zlib stream at `at`: as much as a stream of `size` bytes can take, without knowing its end. */
  private deflated(at: number, size: number): Promise<Uint8Array> {
    return this.range(at, deflatedBound(size));
  }

  /** The stream `data` (from `at`) inflated to its `size` bytes, into `out` when given. */
  private inflate(data: Uint8Array, at: number, size: number, out?: Uint8Array): Uint8Array {
    return inflateEntry(this.inflater, data, at, size, out);
  }
}
