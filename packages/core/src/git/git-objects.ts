/**
 * Git's object storage read straight from bytes, for the scanner's fast path: pack index (v2)
 * lookups, packed entries (whole, OFS_DELTA and REF_DELTA), loose objects, and minimal commit
 * and tree parsing. isomorphic-git's `readCommit`/`readTree` re-discover the git dir, re-list
 * the pack folder, try a loose file first and allocate rich objects on every call — that, not
 * inflating, was most of a cold scan. Pure: the bytes come in through `GitObjectFiles`, and
 * inflating is injected (the app passes a zlib library; tests may pass node's).
 *
 * Formats: gitformat-pack(5) (idx v2, pack entry headers, delta copy/insert opcodes) and
 * gitformat-loose / git-cat-file (`<type> <size>\0<content>`).
 */
import { CairnError } from '../errors/cairn-error.ts';
import { PackBuffers } from './byte-slab.ts';
import type { GitCommitInfo, GitPerson, GitTreeEntry } from './git-reader.ts';
import type { PackFile } from './pack-bytes.ts';
import { PackObjectCache } from './pack-object-cache.ts';

export type GitObjectType = 'commit' | 'tree' | 'blob' | 'tag';

export interface GitObject {
  type: GitObjectType;
  content: Uint8Array;
}

/**
 * zlib (RFC 1950) inflate of one stream at the start of `data`; trailing bytes are ignored. With
 * `out` (exactly `expectedSize` bytes), the content is written there and `out` returned: the pack
 * reader passes a reused buffer for what it throws away at once (a delta's instructions). An
 * inflater may ignore `out`; what it returns is what is read.
 */
export type Inflate = (data: Uint8Array, expectedSize?: number, out?: Uint8Array) => Uint8Array;

/** A git object store's files, read-only (lightning-fs in the browser, node fs elsewhere). */
export interface GitObjectFiles {
  /** The file's bytes, or null when there is no such file. */
  read(path: string): Promise<Uint8Array | null>;
  /** Names in a folder, or [] when there is none. */
  list(path: string): Promise<string[]>;
  /**
   * A pack file to read by range (ranged-pack.ts), or its bytes, or null when there is none.
   * Where absent, packs are read whole with `read`.
   */
  openPack?(path: string): Promise<PackFile | Uint8Array | null>;
}

/** A malformed pack, index or object: the store is damaged (or not one we can read). */
export class GitObjectError extends CairnError<'git_object'> {
  override readonly name = 'GitObjectError';
  constructor(message: string) {
    super('git_object', message);
  }
}

/** The object is not in the repository (a shallow clone's boundary, or never fetched). */
export class GitObjectMissingError extends CairnError<'git_object_missing', { oid: string }> {
  override readonly name = 'GitObjectMissingError';
  constructor(oid: string) {
    super('git_object_missing', `object ${oid} is not in the repository`, { oid });
  }
}

export const TYPES: (GitObjectType | null)[] = [null, 'commit', 'tree', 'blob', 'tag', null, null, null];
export const OFS_DELTA = 6;
export const MAX_DELTA_CHAIN = 4096;
/** Larger objects are refused rather than allocated (a damaged size field, or not for the scanner). */
export const MAX_OBJECT_BYTES = 512 * 1024 * 1024;
export const REF_DELTA = 7;

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/** 40 hex digits → 20 bytes (into `out`, a fresh array by default), or null when it is not an object id. */
function hexToBytes(hex: string, out = new Uint8Array(20)): Uint8Array | null {
  if (hex.length !== 40) return null;
  for (let i = 0; i < 20; i++) {
    const hi = nibble(hex.charCodeAt(i * 2));
    const lo = nibble(hex.charCodeAt(i * 2 + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = hi * 16 + lo;
  }
  return out;
}

/** Char codes of each byte's two hex digits, at 2·byte and 2·byte+1. */
const HEX_CODES = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).padStart(2, '0');
  HEX_CODES[2 * i] = h.charCodeAt(0);
  HEX_CODES[2 * i + 1] = h.charCodeAt(1);
}

const ID_CODES = new Array<number>(40).fill(0);

/**
 * Bytes as lower-case hex. Built in one String.fromCharCode call: a string concatenated digit by
 * digit is a rope that every Map lookup by object id flattens again (2–3× slower in a log walk).
 */
export function bytesToHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  // An object id's digits go through one reused array: a log with counts makes ~40,000 of them,
  // and a fresh array each was a good part of what its scavenges cleared up.
  const codes = end - start === 20 ? ID_CODES : new Array<number>(2 * (end - start));
  for (let i = start, o = 0; i < end; i++, o += 2) {
    const v = bytes[i] as number;
    codes[o] = HEX_CODES[2 * v] as number;
    codes[o + 1] = HEX_CODES[2 * v + 1] as number;
  }
  // Object ids are 20 bytes; longer inputs go in slices to stay under engines' argument limits.
  if (codes.length <= 8192) return String.fromCharCode.apply(null, codes);
  let s = '';
  for (let i = 0; i < codes.length; i += 8192) s += String.fromCharCode.apply(null, codes.slice(i, i + 8192));
  return s;
}

/**
 * The same bytes as a plain Uint8Array. Node's fs hands out Buffers, whose every `subarray` (one
 * per object inflated) runs Buffer's constructor and whose element reads are polymorphic with the
 * plain arrays inflate returns.
 */
function plainBytes(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** A v2 pack index: oid → offset in the pack, by binary search (no table built up front). */
export class PackIndex {
  readonly count: number;
  private readonly view: DataView;
  private readonly namesAt: number;
  private readonly offsetsAt: number;
  private readonly largeAt: number;

  private readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.bytes = plainBytes(bytes);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 8 + 1024 || this.view.getUint32(0) !== 0xff744f63 || this.view.getUint32(4) !== 2) {
      throw new GitObjectError('not a version 2 pack index');
    }
    this.count = this.view.getUint32(8 + 255 * 4);
    this.namesAt = 8 + 1024;
    const crcAt = this.namesAt + 20 * this.count;
    this.offsetsAt = crcAt + 4 * this.count;
    this.largeAt = this.offsetsAt + 4 * this.count;
    if (bytes.length < this.largeAt + 40) throw new GitObjectError('truncated pack index');
  }

  /** The object's offset in the pack, or -1 when the pack does not hold it. */
  /** Scratch for the id being looked up: a lookup per object read must not allocate. */
  private readonly want = new Uint8Array(20);

  offsetOf(oid: string): number {
    const want = hexToBytes(oid, this.want);
    return want ? this.offsetOfId(want, 0) : -1;
  }

  /** The offset of the object whose 20-byte id is at `ids[at]` (a tree entry's, say), or -1. */
  offsetOfId(ids: Uint8Array, at: number): number {
    const first = ids[at] as number;
    let lo = first === 0 ? 0 : this.view.getUint32(8 + (first - 1) * 4);
    let hi = this.view.getUint32(8 + first * 4);
    const b = this.bytes;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const name = this.namesAt + mid * 20;
      let cmp = 0;
      for (let i = 0; i < 20 && cmp === 0; i++) cmp = (b[name + i] as number) - (ids[at + i] as number);
      if (cmp === 0) return this.offsetAt(mid);
      if (cmp < 0) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  /** Every object id in this index that starts with `prefix` (lower-case hex), in order. */
  oidsWithPrefix(prefix: string): string[] {
    if (!/^[0-9a-f]{2,40}$/.test(prefix)) return [];
    const first = Number.parseInt(prefix.slice(0, 2), 16);
    const lo = first === 0 ? 0 : this.view.getUint32(8 + (first - 1) * 4);
    const hi = this.view.getUint32(8 + first * 4);
    const out: string[] = [];
    // Names are sorted, so the matches are one run; a linear pass over the fan-out bucket is
    // ~1/256 of the index, cheap next to the page that asked.
    for (let k = lo; k < hi; k++) {
      const at = this.namesAt + k * 20;
      const hex = bytesToHex(this.bytes, at, at + 20);
      if (hex.startsWith(prefix)) out.push(hex);
      else if (hex > prefix && out.length > 0) break;
    }
    return out;
  }

  private offsetAt(i: number): number {
    const o = this.view.getUint32(this.offsetsAt + i * 4);
    if ((o & 0x80000000) === 0) return o;
    const at = this.largeAt + (o & 0x7fffffff) * 8;
    return this.view.getUint32(at) * 2 ** 32 + this.view.getUint32(at + 4);
  }
}

/** One pack file and its index; resolved objects are kept (bounded) so delta chains are walked once. */
export class Pack {
  private readonly cache: PackObjectCache;
  private readonly pack: Uint8Array;

  constructor(
    readonly index: PackIndex,
    pack: Uint8Array,
    private readonly inflate: Inflate,
    /** Reads an object outside this pack (a thin pack's REF_DELTA base). */
    private readonly external: (oid: string) => GitObject | null,
    maxCachedBytes = 32 * 1024 * 1024,
  ) {
    this.cache = new PackObjectCache(maxCachedBytes);
    this.pack = plainBytes(pack);
    if (pack.length < 32 || pack[0] !== 0x50 || pack[1] !== 0x41 || pack[2] !== 0x43 || pack[3] !== 0x4b) {
      throw new GitObjectError('not a pack file');
    }
  }

  read(oid: string): GitObject | null {
    const offset = this.index.offsetOf(oid);
    return offset < 0 ? null : this.readAt(offset);
  }

  /** The object whose 20-byte id is at `ids[at]`, or null when this pack does not hold it. */
  readId(ids: Uint8Array, at: number): GitObject | null {
    const offset = this.index.offsetOfId(ids, at);
    return offset < 0 ? null : this.readAt(offset);
  }

  /**
   * The object at `offset`: walks its delta chain down to a whole (or already resolved) object
   * without recursion, then applies the deltas back up, keeping each result for the next chain.
   */
  private readAt(offset: number): GitObject {
    // The deltas met on the way down, three numbers each (entry offset, data offset, size): one
    // array per read, not an object per delta (reads are ~15,000 in a log with counts).
    const chain: number[] = [];
    const e = this.entry;
    let at = offset;
    let base: GitObject | undefined;
    while (base === undefined) {
      const hit = this.cache.get(at);
      if (hit) {
        base = hit;
        break;
      }
      this.readEntryAt(at);
      if (e.kind === OFS_DELTA || e.kind === REF_DELTA) {
        // git itself stops at depth 4095; a longer chain is a damaged pack (or a loop of REF_DELTAs).
        if (chain.length >= 3 * MAX_DELTA_CHAIN) throw new GitObjectError(`delta chain at ${offset} is too long`);
        chain.push(at, e.dataAt, e.size);
        if (e.kind === OFS_DELTA) {
          at = e.baseOffset;
          continue;
        }
        const baseOid = e.baseOid;
        const inPack = this.index.offsetOf(baseOid);
        if (inPack >= 0) {
          at = inPack;
          continue;
        }
        const external = this.external(baseOid);
        if (!external) throw new GitObjectError(`delta base ${baseOid} is missing`);
        base = external;
      } else {
        const type = TYPES[e.kind];
        if (!type) throw new GitObjectError(`unknown pack entry type ${e.kind} at ${at}`);
        base = { type, content: this.inflateAt(e.dataAt, e.size, this.buffers.contentOut(type, e.size)) };
        // A whole commit asked for itself is not kept: callers keep it parsed, and in a log walk
        // of thousands the kept copies were most of what each collection had to move. (A delta's
        // base is kept, whatever its type.)
        if (chain.length > 0 || type !== 'commit') this.cache.set(at, base);
      }
    }
    for (let i = chain.length - 3; i >= 0; i -= 3) {
      const size = chain[i + 2] as number;
      const delta = this.inflateAt(chain[i + 1] as number, size, this.buffers.deltaScratch(size));
      base = { type: base.type, content: applyDelta(delta, base.content, this.buffers.contentAlloc(base.type)) };
      this.cache.set(chain[i] as number, base);
    }
    return base;
  }

  /** Where inflated objects and delta instructions go (see PackBuffers). */
  private readonly buffers = new PackBuffers();

  /** The last entry header read (see readEntryAt): one per pack, rewritten by every read. */
  private readonly entry = { kind: 0, size: 0, dataAt: 0, baseOffset: 0, baseOid: '' };

  /**
   * Reads an entry's header into `this.entry`: its kind, inflated size, where its zlib data
   * starts, and its delta base (an offset for OFS_DELTA, an id for REF_DELTA).
   */
  private readEntryAt(offset: number): void {
    const p = this.pack;
    const e = this.entry;
    const end = p.length - 20;
    if (offset < 12 || offset >= end) throw new GitObjectError(`pack offset ${offset} is out of range`);
    let i = offset;
    let byte = p[i++] as number;
    const kind = (byte >> 4) & 7;
    let size = byte & 15;
    let shift = 4;
    while (byte & 0x80 && i < end) {
      byte = p[i++] as number;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    if (size > MAX_OBJECT_BYTES) throw new GitObjectError(`pack entry at ${offset} claims ${size} bytes`);
    e.kind = kind;
    e.size = size;
    if (kind === OFS_DELTA) {
      byte = p[i++] as number;
      let back = byte & 0x7f;
      while (byte & 0x80 && i < end) {
        byte = p[i++] as number;
        back = (back + 1) * 128 + (byte & 0x7f);
      }
      if (back <= 0 || back > offset) throw new GitObjectError(`delta at ${offset} points outside the pack`);
      e.baseOffset = offset - back;
      e.dataAt = i;
    } else if (kind === REF_DELTA) {
      if (i + 20 > end) throw new GitObjectError(`delta at ${offset} is cut short`);
      e.baseOid = bytesToHex(p, i, i + 20);
      e.dataAt = i + 20;
    } else {
      e.dataAt = i;
    }
  }

  private inflateAt(at: number, size: number, into?: Uint8Array): Uint8Array {
    return inflateEntry(this.inflate, this.pack.subarray(at, this.pack.length - 20), at, size, into);
  }
}

/** A pack entry's stream `data` (at pack offset `at`) inflated to exactly its `size` bytes, into `out` when given. */
export function inflateEntry(
  inflate: Inflate,
  data: Uint8Array,
  at: number,
  size: number,
  out?: Uint8Array,
): Uint8Array {
  const content = inflateOrFail(inflate, data, size, out);
  if (content.length !== size) throw new GitObjectError(`pack entry at ${at} inflates to the wrong size`);
  return content;
}

export function inflateOrFail(inflate: Inflate, data: Uint8Array, size?: number, out?: Uint8Array): Uint8Array {
  try {
    return inflate(data, size, out);
  } catch (e) {
    throw new GitObjectError(`damaged zlib data: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function readVarint(d: Uint8Array, at: { i: number }): number {
  let n = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = d[at.i++] as number;
    n += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80 && at.i < d.length);
  return n;
}

/**
 * Applies a git delta (copy/insert opcodes) to `base`; the result goes into `alloc(size)` (which
 * must give `size` bytes) when given, else into a new array.
 */
export function applyDelta(delta: Uint8Array, base: Uint8Array, alloc?: (size: number) => Uint8Array): Uint8Array {
  const at = { i: 0 };
  const baseSize = readVarint(delta, at);
  if (baseSize !== base.length) throw new GitObjectError('delta base has the wrong size');
  const size = readVarint(delta, at);
  if (size > MAX_OBJECT_BYTES) throw new GitObjectError(`delta claims ${size} bytes`);
  const out = alloc ? alloc(size) : new Uint8Array(size);
  let o = 0;
  let i = at.i;
  while (i < delta.length) {
    const op = delta[i++] as number;
    if (op & 0x80) {
      let off = 0;
      let len = 0;
      if (op & 1) off |= delta[i++] as number;
      if (op & 2) off |= (delta[i++] as number) << 8;
      if (op & 4) off |= (delta[i++] as number) << 16;
      if (op & 8) off += (delta[i++] as number) * 2 ** 24;
      if (op & 16) len |= delta[i++] as number;
      if (op & 32) len |= (delta[i++] as number) << 8;
      if (op & 64) len |= (delta[i++] as number) << 16;
      if (len === 0) len = 0x10000;
      if (off + len > base.length || o + len > size) throw new GitObjectError('delta copies out of range');
      // Tree deltas are mostly short copies, where a loop beats a subarray view plus set.
      if (len < 64) for (let k = 0; k < len; k++) out[o + k] = base[off + k] as number;
      else out.set(base.subarray(off, off + len), o);
      o += len;
    } else if (op > 0) {
      if (o + op > size || i + op > delta.length) throw new GitObjectError('delta inserts out of range');
      for (let k = 0; k < op; k++) out[o + k] = delta[i + k] as number;
      o += op;
      i += op;
    } else {
      throw new GitObjectError('delta opcode 0 is reserved');
    }
  }
  if (o !== size) throw new GitObjectError('delta result has the wrong size');
  return out;
}

/** A loose object file's bytes (zlib of `<type> <size>\0<content>`) as an object. */
export function parseLooseObject(deflated: Uint8Array, inflate: Inflate): GitObject {
  const raw = inflateOrFail(inflate, deflated);
  const nul = raw.indexOf(0);
  const space = raw.indexOf(0x20);
  if (nul < 0 || space < 0 || space > nul) throw new GitObjectError('malformed loose object header');
  const type = new TextDecoder().decode(raw.subarray(0, space)) as GitObjectType;
  if (!TYPES.includes(type)) throw new GitObjectError(`unknown loose object type '${type}'`);
  const size = Number(new TextDecoder().decode(raw.subarray(space + 1, nul)));
  const content = raw.subarray(nul + 1);
  if (content.length !== size) throw new GitObjectError('loose object has the wrong size');
  return { type, content };
}

const utf8 = new TextDecoder('utf-8');

function person(line: string): GitPerson {
  // `Name <email> 1700000000 +0000`. Read by index, not split and matched: a log walk reads
  // two of these per commit, thousands of commits at a time.
  const lt = line.indexOf('<');
  const gt = line.indexOf('>', lt);
  let i = gt + 1;
  while (line.charCodeAt(i) === 0x20) i++;
  let end = line.indexOf(' ', i);
  if (end < 0) end = line.length;
  const zoneEnd = line.indexOf(' ', end + 1);
  const zone = line.slice(end + 1, zoneEnd < 0 ? line.length : zoneEnd).trim();
  return {
    name: line.slice(0, Math.max(0, lt)).trim(),
    email: lt >= 0 && gt > lt ? line.slice(lt + 1, gt) : '',
    timestamp: Number(line.slice(i, end)) || 0,
    timezoneOffset: timezoneOffsetOf(zone),
  };
}

/** A decimal digit's value, or NaN. */
function digit(s: string, at: number): number {
  const c = s.charCodeAt(at) - 48;
  return c >= 0 && c <= 9 ? c : Number.NaN;
}

/**
 * `+0130` → -90: minutes with JavaScript's sign (Date#getTimezoneOffset, east of UTC negative),
 * as isomorphic-git gives it, so the app's date formatting reads either.
 */
function timezoneOffsetOf(zone: string): number {
  const sign = zone.charCodeAt(0);
  if (zone.length !== 5 || (sign !== 0x2b && sign !== 0x2d)) return 0;
  const minutes = (digit(zone, 1) * 10 + digit(zone, 2)) * 60 + digit(zone, 3) * 10 + digit(zone, 4);
  if (!(minutes > 0)) return 0; // not -0, and 0 for a zone that is not digits
  return sign === 0x2d ? minutes : -minutes;
}

/** An annotated tag's target: the object it names and that object's type. */
export function parseTagTarget(oid: string, content: Uint8Array): { object: string; type: GitObjectType } {
  const text = utf8.decode(content.subarray(0, Math.min(content.length, 200)));
  const m = /^object ([0-9a-f]{40})\ntype (commit|tree|blob|tag)\n/.exec(text);
  if (!m) throw new GitObjectError(`tag ${oid} names no object`);
  return { object: m[1] as string, type: m[2] as GitObjectType };
}

/** A commit object's tree, parents, people and message (signatures and other headers skipped). */
export function parseCommit(oid: string, content: Uint8Array): GitCommitInfo {
  const text = utf8.decode(content);
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  let tree = '';
  const parents: string[] = [];
  let author: GitPerson | null = null;
  let committer: GitPerson | null = null;
  for (const line of head.split('\n')) {
    if (line.startsWith(' ')) continue; // continuation of a multi-line header (gpgsig)
    const sp = line.indexOf(' ');
    const key = line.slice(0, sp);
    const value = line.slice(sp + 1);
    if (key === 'tree') tree = value;
    else if (key === 'parent') parents.push(value);
    else if (key === 'author') author = person(value);
    else if (key === 'committer') committer = person(value);
  }
  if (tree.length !== 40) throw new GitObjectError(`commit ${oid} has no tree`);
  const who = committer ?? author ?? { name: '', email: '', timestamp: 0 };
  // As isomorphic-git gives it: the text after the headers, ending in a newline.
  let message = end < 0 ? '' : text.slice(end + 2);
  if (!message.endsWith('\n')) message += '\n';
  return {
    oid,
    tree,
    parents,
    message,
    author: author ?? who,
    committer: who,
  };
}

/**
 * One entry of a parsed tree. A scan looks at every entry's name but at few entries' ids, so
 * the id (hex) and mode strings are made only when asked for.
 */
class TreeEntryView implements GitTreeEntry {
  private hex: string | undefined;

  constructor(
    readonly name: string,
    readonly type: 'blob' | 'tree' | 'commit',
    private readonly bytes: Uint8Array,
    private readonly start: number,
    private readonly space: number,
    private readonly idAt: number,
  ) {}

  get oid(): string {
    this.hex ??= bytesToHex(this.bytes, this.idAt, this.idAt + 20);
    return this.hex;
  }

  get mode(): string {
    let mode = '';
    for (let k = this.start; k < this.space; k++) mode += String.fromCharCode(this.bytes[k] as number);
    return mode.length === 5 ? `0${mode}` : mode;
  }

  toJSON(): GitTreeEntry {
    return { name: this.name, mode: this.mode, type: this.type, oid: this.oid };
  }
}

/** A tree object's entries (`<mode> <name>\0<20-byte id>` each). */
export function parseTree(content: Uint8Array): GitTreeEntry[] {
  const out: GitTreeEntry[] = [];
  let i = 0;
  while (i < content.length) {
    const space = content.indexOf(0x20, i);
    const nul = content.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 21 > content.length) throw new GitObjectError('malformed tree entry');
    // Modes: 40000 tree, 160000 gitlink (a submodule's commit), anything else a blob.
    const c0 = content[i] as number;
    const type = space - i === 5 && c0 === 0x34 ? 'tree' : c0 === 0x31 && content[i + 1] === 0x36 ? 'commit' : 'blob';
    // Names are nearly always ASCII: build those directly (a TextDecoder call per entry costs more).
    let name = '';
    for (let k = space + 1; k < nul; k++) {
      const c = content[k] as number;
      if (c >= 0x80) {
        name = utf8.decode(content.subarray(space + 1, nul));
        break;
      }
      name += String.fromCharCode(c);
    }
    out.push(new TreeEntryView(name, type, content, i, space, nul + 1));
    i = nul + 21;
  }
  return out;
}
