/**
 * `git index-pack --stdin` for a pack as it arrives: bytes are pushed in whatever pieces the
 * network gives, and each entry's header is parsed and its zlib stream inflated as they come
 * (through a StreamInflater, which keeps its place between pieces), the raw entry CRC-32'd,
 * whole objects SHA-1'd on the way and the pack's own checksum taken — so when the last byte is
 * in, only deltas are left: `finish` resolves them base-first, reading the pack back by range
 * where it was stored (pack-deltas.ts), and writes the `.idx`. Nothing is held but one entry's
 * header and a small output buffer: the inflated bytes of a whole object are hashed and dropped.
 *
 *   const indexer = await PackStreamIndexer.create(inflater);
 *   for await (const piece of body) { file.write(piece); indexer.push(piece); }
 *   const { idx, packHash } = await indexer.finish(storedFile);
 *
 * The pack's checksum may be taken elsewhere (`checksumElsewhere`): by the thread writing the
 * file, which sees every byte too, so the SHA-1 passes are shared between two threads.
 *
 * Pure: zlib comes in as the inflater; hashing is hash-wasm's (WASM, incremental).
 */
import { createCRC32, createSHA1, type IHasher } from 'hash-wasm';
import { bytesToHex, GitObjectError, type GitObjectType } from './git-objects.ts';
import { type PackBytesSync, packBytesOf } from './pack-bytes.ts';
import {
  type InflateEntry,
  MAX_HEADER,
  OFS_DELTA,
  objectHeader,
  type PackEntry,
  parseEntryHeader,
  REF_DELTA,
  type ResolveProgress,
  resolveDeltas,
  TYPE_NAMES,
  writeIdx,
} from './pack-deltas.ts';
import type { PackIndexResult } from './pack-indexer.ts';

/**
 * One zlib stream inflated as its input arrives (zlib's own stream API, or pako's port of it).
 * `inflate` may be called with any slice of the stream's bytes, including none at all.
 */
export interface StreamInflater {
  /** Begins a new zlib stream (its header first). */
  reset(): void;
  /**
   * Inflates from `input` into `out`. `read`: input bytes used — all of them unless the stream
   * ended in them (then up to its last byte, Adler-32 included); `written`: bytes put in `out`.
   * @throws when the data is not a valid zlib stream.
   */
  inflate(input: Uint8Array, out: Uint8Array): { read: number; written: number; ended: boolean };
}

export interface PackStreamIndexerOptions {
  onProgress?: (p: ResolveProgress) => void;
  /** The pack's checksum is computed by the caller (createPackStreamChecksum) and given to `finish`. */
  checksumElsewhere?: boolean;
}

/** Bytes of inflated output handled at a time (hashed, or dropped for a delta). */
const OUT_BYTES = 256 * 1024;
/** Bytes read at a time resolving deltas from the stored pack (they jump about: small). */
const RANDOM_WINDOW = 256 * 1024;

/** Where the indexer is in the pack: what the next byte pushed belongs to. */
const State = { PackHeader: 0, EntryHeader: 1, EntryData: 2, Trailer: 3, Done: 4 } as const;
type State = (typeof State)[keyof typeof State];

export class PackStreamIndexer {
  private state: State = State.PackHeader;
  /** Bytes of the pack seen so far (where the next pushed byte sits). */
  private at = 0;
  private count = 0;
  private readonly entries: PackEntry[] = [];
  /** The pack header, an entry header or the trailer, gathered across pieces. */
  private readonly small = new Uint8Array(MAX_HEADER);
  private smallLength = 0;
  /** The entry being inflated, and how many bytes it has given so far. */
  private entry: PackEntry | null = null;
  private written = 0;
  private readonly out = new Uint8Array(OUT_BYTES);

  private constructor(
    private readonly inflater: StreamInflater,
    /** The pack's own checksum (every byte but the trailer), unless it is taken elsewhere. */
    private readonly packSha: IHasher | null,
    /** Each whole object's id, as it inflates. */
    private readonly objectSha: IHasher,
    private readonly crc: IHasher,
    private readonly onProgress?: (p: ResolveProgress) => void,
  ) {
    packSha?.init();
  }

  /**
   * `checksumElsewhere`: the pack's checksum is taken by whoever else sees every byte (the
   * thread writing the file, say: one SHA-1 pass fewer here) and given to `finish`.
   */
  static async create(
    inflater: StreamInflater,
    { onProgress, checksumElsewhere = false }: PackStreamIndexerOptions = {},
  ): Promise<PackStreamIndexer> {
    const [packSha, objectSha, crc] = await Promise.all([
      checksumElsewhere ? null : createSHA1(),
      createSHA1(),
      createCRC32(),
    ]);
    return new PackStreamIndexer(inflater, packSha, objectSha, crc, onProgress);
  }

  /** Bytes pushed so far. */
  get bytes(): number {
    return this.at;
  }

  /**
   * The next bytes of the pack, in order; `piece` is read now and not kept (its buffer may be reused).
   * @throws GitObjectError when the bytes are not a pack, are damaged, or go on past its trailer.
   */
  push(piece: Uint8Array): void {
    let i = 0;
    while (i < piece.length) {
      switch (this.state) {
        case State.PackHeader:
          i += this.packHeader(piece, i);
          break;
        case State.EntryHeader:
          i += this.entryHeader(piece, i);
          break;
        case State.EntryData:
          i += this.entryData(piece.subarray(i));
          break;
        case State.Trailer: {
          const n = Math.min(20 - this.smallLength, piece.length - i);
          this.small.set(piece.subarray(i, i + n), this.smallLength);
          this.smallLength += n;
          this.at += n;
          i += n;
          if (this.smallLength === 20) this.state = State.Done;
          break;
        }
        case State.Done:
          throw new GitObjectError('pack has bytes after its trailer');
      }
    }
  }

  /**
   * After the last byte: checks the pack's checksum, resolves its deltas reading `stored` (the
   * same pack, stored: a file read by range, or bytes in memory) and writes its `.idx`.
   * @throws GitObjectError when the pack was cut short, is damaged, or a delta has no base in it.
   */
  async finish(
    stored: PackBytesSync | Uint8Array,
    { checksum, windowBytes = RANDOM_WINDOW }: { checksum?: Uint8Array; windowBytes?: number } = {},
  ): Promise<PackIndexResult> {
    if (this.state !== State.Done) {
      throw new GitObjectError(
        this.state === State.PackHeader
          ? 'not a pack file: it ends before its header'
          : `the pack is cut short: it ends after ${this.entries.length} of ${this.count} objects`,
      );
    }
    const trailer = this.small.slice(0, 20);
    const sum = this.packSha ? this.packSha.digest('binary') : checksum;
    if (!sum) throw new GitObjectError('the pack checksum taken elsewhere was not given');
    for (let k = 0; k < 20; k++) {
      if (sum[k] !== trailer[k]) throw new GitObjectError('pack checksum does not match: the download is damaged');
    }
    const source = stored instanceof Uint8Array ? packBytesOf(stored) : stored;
    if (source.size !== this.at) {
      throw new GitObjectError(`the stored pack has ${source.size} bytes, not the ${this.at} received`);
    }
    // Entries are read within the pack's objects only (never into the trailer).
    const end = this.at - 20;
    const objects: PackBytesSync = { size: end, read: (at, length) => source.read(at, length) };
    const inflateEntry = wholeStream(this.inflater);
    resolveDeltas(this.entries, objects, windowBytes, inflateEntry, this.objectSha, this.onProgress);
    return { idx: writeIdx(this.entries, trailer, this.objectSha), packHash: bytesToHex(trailer), objects: this.count };
  }

  /** Gathers the 12-byte pack header; returns the bytes of `piece` used from `i`. */
  private packHeader(piece: Uint8Array, i: number): number {
    const n = Math.min(12 - this.smallLength, piece.length - i);
    this.small.set(piece.subarray(i, i + n), this.smallLength);
    this.smallLength += n;
    this.took(piece.subarray(i, i + n));
    if (this.smallLength < 12) return n;
    const h = this.small;
    if (h[0] !== 0x50 || h[1] !== 0x41 || h[2] !== 0x43 || h[3] !== 0x4b) throw new GitObjectError('not a pack file');
    const view = new DataView(h.buffer, h.byteOffset, 12);
    const version = view.getUint32(4);
    if (version !== 2 && version !== 3) throw new GitObjectError(`pack version ${version} is not supported`);
    this.count = view.getUint32(8);
    this.smallLength = 0;
    this.state = this.count > 0 ? State.EntryHeader : State.Trailer;
    return n;
  }

  /**
   * Gathers an entry's header (it may span pieces) and starts its entry once whole; returns the
   * bytes of `piece` used from `i` (only the header's: the zlib data is the next state's).
   */
  private entryHeader(piece: Uint8Array, i: number): number {
    const before = this.smallLength;
    const n = Math.min(MAX_HEADER - before, piece.length - i);
    this.small.set(piece.subarray(i, i + n), before);
    const offset = this.at - before;
    const header = parseEntryHeader(this.small, before + n, offset);
    if (!header) {
      if (before + n >= MAX_HEADER) throw new GitObjectError(`pack entry at ${offset} has a malformed header`);
      this.smallLength = before + n;
      this.at += n;
      return n;
    }
    const used = header.headerBytes - before;
    const headerBytes = this.small.subarray(0, header.headerBytes);
    this.at += used;
    this.packSha?.update(headerBytes);
    this.crc.init();
    this.crc.update(headerBytes);
    const entry: PackEntry = { offset, dataAt: this.at, kind: header.kind, size: header.size, crc: 0, oid: null };
    if (header.baseOffset !== undefined) entry.baseOffset = header.baseOffset;
    if (header.baseOid !== undefined) entry.baseOid = header.baseOid;
    if (header.kind !== OFS_DELTA && header.kind !== REF_DELTA) {
      this.objectSha.init();
      this.objectSha.update(objectHeader(TYPE_NAMES[header.kind] as GitObjectType, header.size));
    }
    this.entry = entry;
    this.written = 0;
    this.smallLength = 0;
    this.inflater.reset();
    this.state = State.EntryData;
    return used;
  }

  /** Inflates the current entry's stream from `input`; returns the bytes used (all, unless it ended). */
  private entryData(input: Uint8Array): number {
    const entry = this.entry as PackEntry;
    const whole = entry.kind !== OFS_DELTA && entry.kind !== REF_DELTA;
    let used = 0;
    for (;;) {
      // One byte of room past the entry's size: a stream that would write more is caught.
      const room = Math.min(this.out.length, entry.size - this.written + 1);
      let step: { read: number; written: number; ended: boolean };
      try {
        step = this.inflater.inflate(input.subarray(used), this.out.subarray(0, room));
      } catch (e) {
        throw new GitObjectError(
          `damaged zlib data in the entry at ${entry.offset}: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      if (step.read > 0) {
        const raw = input.subarray(used, used + step.read);
        this.crc.update(raw);
        this.took(raw);
        used += step.read;
      }
      this.written += step.written;
      if (this.written > entry.size) {
        throw new GitObjectError(`pack entry at ${entry.offset} inflates to more than its ${entry.size} bytes`);
      }
      if (whole && step.written > 0) this.objectSha.update(this.out.subarray(0, step.written));
      if (step.ended) {
        if (this.written !== entry.size) {
          throw new GitObjectError(
            `pack entry at ${entry.offset} inflates to ${this.written} of its ${entry.size} bytes`,
          );
        }
        this.endEntry(entry, whole);
        return used;
      }
      if (used === input.length) return used;
      if (step.read === 0 && step.written === 0) {
        throw new GitObjectError(`damaged zlib data in the entry at ${entry.offset}: it stops making progress`);
      }
    }
  }

  private endEntry(entry: PackEntry, whole: boolean): void {
    entry.crc = Number.parseInt(this.crc.digest('hex'), 16);
    if (whole) entry.oid = this.objectSha.digest('binary');
    this.entries.push(entry);
    this.entry = null;
    this.state = this.entries.length === this.count ? State.Trailer : State.EntryHeader;
  }

  /** Bytes of the pack's objects passed (hashed into its checksum, counted). */
  private took(bytes: Uint8Array): void {
    this.packSha?.update(bytes);
    this.at += bytes.length;
  }
}

/**
 * A one-shot InflateEntry made of a stream inflater: the whole stream is in `data` (read from
 * the stored pack with slack), so one call inflates it and says where it ended.
 */
function wholeStream(inflater: StreamInflater): InflateEntry {
  return (data, size) => {
    inflater.reset();
    // One byte of room past the size: a stream that would write more is caught.
    const out = new Uint8Array(size + 1);
    const step = inflater.inflate(data, out);
    if (!step.ended)
      throw new Error(step.written > size ? 'stream is longer than its entry says' : 'stream is cut short');
    return { content: out.subarray(0, step.written), consumed: step.read };
  };
}
