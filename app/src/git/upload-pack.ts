/**
 * One `git-upload-pack` request for a clone (smart HTTP, protocol v1 as `git http-backend`
 * speaks it): want every ref's object, have nothing, optionally `deepen N` (a shallow clone),
 * and read the side-band-64k response as it streams — pack bytes passed to a sink as they come
 * (a file in OPFS, written by a worker: git-pack-receive.worker.ts; or one growing buffer, never a
 * list of chunks joined at the end, which would hold the pack twice), progress messages passed
 * on, a server error (band 3, or `ERR`) thrown as a typed error.
 */
import { createPackStreamChecksum } from '@cairn/core/git';
import { GitPackError, RepoTooLargeError } from './errors.ts';
import { SideBandDemux } from './side-band.ts';

export interface UploadPackRequest {
  /** The repository's git URL (`…/owner/repo.git`). */
  url: string;
  headers: Record<string, string>;
  /** Object ids to fetch (each ref's tip); duplicates are dropped. */
  wants: readonly string[];
  /** History depth to fetch: 1 = the latest commits only. Absent: everything. */
  depth?: number;
  /** Commits this repository's history is cut at (`.git/shallow`), when deepening it. */
  shallow?: readonly string[];
  /** Commits this repository has: the server leaves out what they reach. */
  haves?: readonly string[];
  /** Largest pack accepted, in bytes. */
  limitBytes: number;
  onProgress?: (p: { phase: string; loaded: number }) => void;
}

export interface ReceivedPack {
  pack: Uint8Array;
  /** SHA-1 of the pack before its trailer, computed as it arrived (for indexPack to check). */
  checksum: Uint8Array;
  /** Commits the server cut history at (a shallow clone): what `.git/shallow` lists. */
  shallow: string[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function pktLine(text: string): string {
  return (encoder.encode(text).length + 4).toString(16).padStart(4, '0') + text;
}

/**
 * The request body: wants (capabilities on the first), the commits history is cut at, deepen,
 * flush, haves, done. No `thin-pack`: every delta's base is in the pack, so it indexes alone.
 */
export function uploadPackBody(
  wants: readonly string[],
  depth?: number,
  local: { shallow?: readonly string[]; haves?: readonly string[] } = {},
): string {
  const unique = [...new Set(wants)];
  const shallowing = depth !== undefined || (local.shallow?.length ?? 0) > 0;
  const caps = ['side-band-64k', 'ofs-delta', 'agent=cairn', ...(shallowing ? ['shallow'] : [])].join(' ');
  let body = unique.map((oid, i) => pktLine(i === 0 ? `want ${oid} ${caps}\n` : `want ${oid}\n`)).join('');
  for (const oid of local.shallow ?? []) body += pktLine(`shallow ${oid}\n`);
  if (depth) body += pktLine(`deepen ${depth}\n`);
  body += '0000';
  for (const oid of new Set(local.haves ?? [])) body += pktLine(`have ${oid}\n`);
  return `${body}${pktLine('done\n')}`;
}

/**
 * Bytes appended in place: a resizable ArrayBuffer grows without copying (its address range is
 * reserved up front); where there is none, capacity doubles (a copy per doubling).
 */
export class GrowingBytes {
  private buffer: ArrayBuffer;
  private view: Uint8Array;
  length = 0;
  private readonly resizable: boolean;

  constructor(private readonly maxBytes: number) {
    let buffer: ArrayBuffer;
    try {
      buffer = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(0, {
        maxByteLength: maxBytes,
      });
    } catch {
      buffer = new ArrayBuffer(1024 * 1024);
    }
    this.buffer = buffer;
    this.resizable = (buffer as { resizable?: boolean }).resizable === true;
    this.view = new Uint8Array(buffer);
  }

  /** A view of bytes received so far (valid until the next append). */
  range(from: number, to: number): Uint8Array {
    return this.view.subarray(from, to);
  }

  append(chunk: Uint8Array): void {
    const needed = this.length + chunk.length;
    if (needed > this.maxBytes) throw new RepoTooLargeError(this.maxBytes);
    if (needed > this.buffer.byteLength) {
      if (this.resizable) {
        const grown = Math.min(this.maxBytes, Math.max(needed, this.buffer.byteLength + 16 * 1024 * 1024));
        (this.buffer as unknown as { resize(n: number): void }).resize(grown);
        this.view = new Uint8Array(this.buffer);
      } else {
        const next = new Uint8Array(Math.min(this.maxBytes, Math.max(needed, this.buffer.byteLength * 2)));
        next.set(this.view.subarray(0, this.length));
        this.buffer = next.buffer;
        this.view = next;
      }
    }
    this.view.set(chunk, this.length);
    this.length = needed;
  }

  /** The bytes, in a plain (fixed-length) buffer that can be transferred and stored; no copy where the engine can. */
  take(): Uint8Array {
    const b = this.buffer as ArrayBuffer & { transferToFixedLength?: (n: number) => ArrayBuffer };
    if (this.resizable && b.transferToFixedLength) return new Uint8Array(b.transferToFixedLength(this.length));
    if (this.buffer.byteLength === this.length) return this.view;
    return this.view.slice(0, this.length);
  }
}

/** Bytes asked of the network per read: large, so a fast download is few calls. */
const READ_BYTES = 1024 * 1024;

/**
 * Every piece of `body` in order, through one reused buffer where the stream can fill one
 * (a byte stream's BYOB reader: no allocation per piece); each piece is valid until the next.
 */
async function* pieces(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = body.getReader({ mode: 'byob' });
  } catch {
    // Not a byte stream here: pieces as the stream makes them.
  }
  if (!byob) {
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  try {
    let buffer = new ArrayBuffer(READ_BYTES);
    for (;;) {
      const { done, value } = await byob.read(new Uint8Array(buffer));
      if (done || !value) return;
      yield value;
      // The read transferred the buffer; it comes back with the bytes, to be filled again.
      buffer = value.buffer as ArrayBuffer;
    }
  } finally {
    byob.releaseLock();
  }
}

/** Where received pack bytes go, in order: a buffer in memory, or a file (a worker's OPFS writer). */
export interface PackSink {
  /** The next bytes: a view valid only during the call (its buffer is reused for the next read). */
  append(chunk: Uint8Array): void;
  /** Resolves when the sink can take more (a file writer behind the network): the download waits. */
  ready?(): Promise<void>;
}

export interface PackReceipt {
  /** Commits the server cut history at (a shallow clone): what `.git/shallow` lists. */
  shallow: string[];
  /** Commits whose parents came this time (deepening): no longer listed in `.git/shallow`. */
  unshallow: string[];
  /** Bytes of the pack received. */
  bytes: number;
}

/**
 * Sends the request and passes the pack to `sink` as it streams in (never gathered here). Stops
 * with RepoTooLargeError once the pack passes `limitBytes`.
 */
export async function receivePack(req: UploadPackRequest, sink: PackSink): Promise<PackReceipt> {
  const response = await fetch(`${req.url.replace(/\/$/, '')}/git-upload-pack`, {
    method: 'POST',
    headers: {
      ...req.headers,
      'Content-Type': 'application/x-git-upload-pack-request',
      Accept: 'application/x-git-upload-pack-result',
    },
    body: uploadPackBody(req.wants, req.depth, {
      ...(req.shallow ? { shallow: req.shallow } : {}),
      ...(req.haves ? { haves: req.haves } : {}),
    }),
  });
  if (!response.ok || !response.body) {
    throw new GitPackError(`the server answered ${response.status} to the pack request`, response.status);
  }
  let bytes = 0;
  const shallow: string[] = [];
  const unshallow: string[] = [];
  let lastReport = 0;
  const demux = new SideBandDemux({
    onPack(chunk) {
      bytes += chunk.length;
      if (bytes > req.limitBytes) throw new RepoTooLargeError(req.limitBytes);
      sink.append(chunk);
      if (req.onProgress && bytes - lastReport >= 1024 * 1024) {
        lastReport = bytes;
        req.onProgress({ phase: 'Receiving objects', loaded: bytes });
      }
    },
    onLine(line) {
      if (line.length === 0) return;
      const band = line[0] as number;
      if (band === 2) return; // The server's own progress text ("Counting objects …"): not shown, the byte count is.
      if (band === 3) throw new GitPackError(`the server stopped: ${decoder.decode(line.subarray(1)).trim()}`);
      const text = decoder.decode(line).trim();
      if (text.startsWith('shallow ')) shallow.push(text.slice('shallow '.length));
      else if (text.startsWith('unshallow ')) unshallow.push(text.slice('unshallow '.length));
      else if (text.startsWith('ERR ')) throw new GitPackError(`the server refused: ${text.slice(4)}`);
      // `NAK`, `ACK …`: nothing to do.
    },
  });
  for await (const piece of pieces(response.body)) {
    demux.push(piece);
    if (sink.ready) await sink.ready();
  }
  demux.end();
  req.onProgress?.({ phase: 'Receiving objects', loaded: bytes });
  if (bytes === 0) throw new GitPackError('the server sent no pack');
  return { shallow, unshallow, bytes };
}

/** The pack received into memory (one growing buffer): where it cannot be streamed into a file. */
export async function fetchPack(req: UploadPackRequest): Promise<ReceivedPack> {
  const pack = new GrowingBytes(req.limitBytes);
  const checksum = await createPackStreamChecksum();
  const { shallow } = await receivePack(req, {
    append(chunk) {
      pack.append(chunk);
      checksum.update(chunk);
    },
  });
  return { checksum: checksum.digest(), pack: pack.take(), shallow };
}
