/**
 * One hash task, as a hash-and-store worker runs it (and Node runs it in tests): a big file
 * streamed through one reused buffer, or a batch of small files read as one composite Blob.
 * Hashing is core's `FileHasher` (DVC 3 `md5`), so the hashes are exactly DVC's. Objects are
 * stored as they are hashed; a task that is cancelled or fails reports which objects it did
 * store, so the add can remove them (nothing is ever half-added).
 *
 * Memory bound per task: a stream task holds its 4 MiB read buffer, two 4 MiB rows for the
 * store (one filling, one being written) and IndexedDB's clone of the row it writes (≈ 16 MiB),
 * plus the browser's read pipe; a batch task holds its batch (≤ BATCH_MAX_BYTES), one copy of
 * each object cut out of it and IndexedDB's clone while the batch is put (≈ 12 MiB). So a 2 GB
 * file never sits in memory: ≤ 16 MiB per task.
 */
import { FileHasher, type Md5Factory } from '@cairn/core/hash';
import { type BlobStore, type BlobWriter, objectId } from '../storage/blobs.ts';

/** Read buffer of a streamed file (= the data cache's row size, so rows fill in one write). */
export const STREAM_BUFFER_BYTES = 4 * 1024 * 1024;
/** Progress is reported about this often. */
const PROGRESS_BYTES = 4 * 1024 * 1024;

export interface TaskContext {
  /** Where objects go; null hashes only. */
  store: BlobStore | null;
  md5: Md5Factory;
  /** Polled between pieces: true stops the task. */
  cancelled(): boolean;
  /** Bytes hashed since the last call. */
  progress(bytes: number): void;
  /** How long a read may go unanswered (READ_STALL_MS unless a test shortens it). */
  readStallMs?: number;
}

export interface HashedEntry {
  id: number;
  md5: string;
  size: number;
  /** True when this task put the object into the data cache (it was not there before). */
  isNew: boolean;
}

export type TaskOutcome =
  | { type: 'done'; results: HashedEntry[] }
  | { type: 'cancelled'; stored: string[] }
  | { type: 'failed'; code: string; message: string; stored: string[] };

const nameOf = (file: Blob) => (file instanceof File ? file.name : 'a file');

function failure(error: unknown, file: Blob | null, stored: string[]): TaskOutcome {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : 'read_failed';
  const text = typeof e?.message === 'string' ? e.message : String(error);
  // A storage error already says what happened; a read error needs the file it is about.
  const message = code === 'read_failed' && file ? `"${nameOf(file)}": ${text}` : text;
  return { type: 'failed', code, message, stored };
}

/**
 * A read that has not answered in this long has stalled. In headless Chromium on this project's
 * VM, a `Blob.stream()` read very rarely never resolves (seen in the browser-hash bench with
 * Chromium idle and the worker still answering; also in a page with none of the app's code).
 * A local file gives 4 MiB in milliseconds; 20 s is slow even for a network share.
 */
export const READ_STALL_MS = 20_000;
/** Stalled reads in a row, each restarted from the same offset, before the file counts as unreadable. */
const READ_RESTARTS = 3;

export interface ReadOptions {
  /** Size of the one reused BYOB buffer. */
  bufferBytes?: number;
  stallMs?: number;
}

const STALLED = Symbol('stalled');

/** `read`, or STALLED once `ms` passed without an answer. */
async function orStalled<T>(read: Promise<T>, ms: number): Promise<T | typeof STALLED> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<typeof STALLED>((resolve) => {
    timer = setTimeout(() => resolve(STALLED), ms);
  });
  try {
    return await Promise.race([read, stalled]);
  } finally {
    clearTimeout(timer);
  }
}

/** A piece reader over one stream: `next` gives the next piece, or null at the end. */
function pieceReader(
  stream: ReadableStream<Uint8Array>,
  bufferBytes: number,
): {
  next: () => Promise<Uint8Array | null>;
  cancel: () => Promise<void>;
} {
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = stream.getReader({ mode: 'byob' });
  } catch {
    // Not a byte stream: read it the default way below.
  }
  if (byob) {
    const reader = byob;
    let buffer = new ArrayBuffer(bufferBytes);
    return {
      async next() {
        const { done, value } = await reader.read(new Uint8Array(buffer));
        if (done || !value) return null;
        buffer = value.buffer as ArrayBuffer;
        return value;
      },
      cancel: () => reader.cancel(),
    };
  }
  const reader = stream.getReader();
  return {
    async next() {
      const { done, value } = await reader.read();
      return done ? null : value;
    },
    cancel: () => reader.cancel(),
  };
}

/**
 * Reads a Blob (or a stream) piece by piece. Byte streams (Chromium's and Node's `Blob.stream()`)
 * are read BYOB into one reused buffer: the default reader allocates a fresh chunk for every
 * piece, and in Chromium that cost the hashing thread over half as much as MD5 itself (worker
 * CPU per 256 MiB: reading ~290 ms that way, ~110 ms BYOB; MD5 ~510 ms). BYOB is also the fastest
 * of the ways measured to read a big file in a worker (512 MiB: ~0.08 s; `slice().arrayBuffer()`
 * or FileReaderSync in 4 MiB slices ~0.7 s). `use` may keep a piece only until it resolves.
 * A read that stalls (READ_STALL_MS) is given up and a Blob is read again from where it stopped,
 * up to READ_RESTARTS times in a row; a stream cannot be reopened, so its stall is an error.
 * Returns false when `stop()` ended the read early.
 */
export async function readPieces(
  source: Blob | ReadableStream<Uint8Array>,
  use: (piece: Uint8Array) => void | Promise<void>,
  stop: () => boolean,
  { bufferBytes = STREAM_BUFFER_BYTES, stallMs = READ_STALL_MS }: ReadOptions = {},
): Promise<boolean> {
  const open = (offset: number) =>
    pieceReader(source instanceof Blob ? (offset === 0 ? source : source.slice(offset)).stream() : source, bufferBytes);
  let offset = 0;
  let restarts = 0;
  let reader = open(0);
  for (;;) {
    if (stop()) {
      await reader.cancel().catch(() => {});
      return false;
    }
    const piece = await orStalled(reader.next(), stallMs);
    if (piece === STALLED) {
      // Not awaited: a stalled stream may not answer its cancel either.
      reader.cancel().catch(() => {});
      if (!(source instanceof Blob) || ++restarts > READ_RESTARTS) {
        throw Object.assign(new Error(`reading stopped answering at byte ${offset}; try adding it again`), {
          code: 'read_failed',
        });
      }
      reader = open(offset);
      continue;
    }
    if (piece === null) return true;
    restarts = 0;
    offset += piece.byteLength;
    await use(piece);
  }
}

/**
 * Hands a stream's bytes to a BlobWriter in whole rows, with one row being written while the
 * next fills, so IndexedDB's write of row n overlaps reading and hashing row n+1 (awaiting
 * each write in turn put the whole store time on the hashing path).
 * Copying each piece into a row is the one copy this path makes (the store then hands a whole
 * row to IndexedDB as is): it cannot be skipped, because `readPieces` reads the next piece into
 * the same buffer as soon as `push` resolves, while the row's write is still in flight; and
 * BYOB pieces come in whatever sizes the browser reads, not in rows.
 */
export class RowFeeder {
  #filling: Uint8Array<ArrayBuffer> = new Uint8Array(STREAM_BUFFER_BYTES);
  #filled = 0;
  /** The row being written: its buffer is reused only once that write has finished. */
  #writing: Uint8Array<ArrayBuffer> | null = null;
  #inFlight: Promise<void> = Promise.resolve();
  #error: { error: unknown } | null = null;

  constructor(private readonly writer: BlobWriter) {}

  async push(piece: Uint8Array): Promise<void> {
    let at = 0;
    while (at < piece.byteLength) {
      const n = Math.min(this.#filling.byteLength - this.#filled, piece.byteLength - at);
      this.#filling.set(piece.subarray(at, at + n), this.#filled);
      this.#filled += n;
      at += n;
      if (this.#filled === this.#filling.byteLength) await this.#flush();
    }
  }

  /** Resolves once every byte pushed is written (throws the first write error). */
  async finish(): Promise<void> {
    if (this.#filled > 0) await this.#flush();
    await this.#settled();
  }

  /** Waits for the write in flight (before an abort, so no row lands after it). */
  async idle(): Promise<void> {
    await this.#inFlight;
  }

  async #settled(): Promise<void> {
    await this.#inFlight;
    if (this.#error) throw this.#error.error;
  }

  async #flush(): Promise<void> {
    await this.#settled();
    const full = this.#filling;
    const row = full.subarray(0, this.#filled);
    this.#filling = this.#writing ?? new Uint8Array(STREAM_BUFFER_BYTES);
    this.#writing = full;
    this.#filled = 0;
    this.#inFlight = this.writer.write(row).catch((error: unknown) => {
      this.#error = { error };
    });
  }
}

/** Hashes (and stores) one file, streamed. */
export async function hashStreamed(id: number, file: Blob, ctx: TaskContext): Promise<TaskOutcome> {
  const hasher = new FileHasher(await ctx.md5(), 'md5');
  const writer = ctx.store?.writer() ?? null;
  // A writer that stores each piece synchronously (an OPFS sync handle) takes the read pieces
  // as they are: gathering them into rows would only add a copy.
  const feeder = writer && !writer.writesInPlace ? new RowFeeder(writer) : null;
  const direct = writer?.writesInPlace ? writer : null;
  let unreported = 0;
  const counted = (piece: Uint8Array) => {
    unreported += piece.byteLength;
    if (unreported >= PROGRESS_BYTES) {
      ctx.progress(unreported);
      unreported = 0;
    }
  };
  try {
    const complete = await readPieces(
      file,
      async (piece) => {
        hasher.push(piece);
        await feeder?.push(piece);
        await direct?.write(piece);
        counted(piece);
      },
      ctx.cancelled,
      { stallMs: ctx.readStallMs },
    );
    if (!complete) {
      await feeder?.idle();
      await writer?.abort();
      return { type: 'cancelled', stored: [] };
    }
    await feeder?.finish();
    const { md5, size } = hasher.finish();
    const isNew = writer ? await writer.commit(objectId('md5', md5)) : false;
    if (unreported > 0) ctx.progress(unreported);
    return { type: 'done', results: [{ id, md5, size, isNew }] };
  } catch (error) {
    await feeder?.idle();
    await writer?.abort().catch(() => {});
    return failure(error, file, []);
  }
}

/**
 * Reads a batch whole; if that fails, reads its files one by one to name the one that fails. A
 * read that stalls (READ_STALL_MS) is asked again, up to READ_RESTARTS times, as readPieces does.
 */
async function readBatch(
  files: readonly Blob[],
  stallMs: number,
): Promise<Uint8Array | { error: unknown; file: Blob | null }> {
  const whole = files.length === 1 ? (files[0] as Blob) : new Blob(files as Blob[]);
  try {
    for (let attempt = 0; attempt <= READ_RESTARTS; attempt++) {
      const bytes = await orStalled(whole.arrayBuffer(), stallMs);
      if (bytes !== STALLED) return new Uint8Array(bytes);
    }
    const error = Object.assign(new Error('reading stopped answering; try adding it again'), { code: 'read_failed' });
    return { error, file: files.length === 1 ? (files[0] as Blob) : null };
  } catch (batchError) {
    for (const file of files) {
      try {
        await file.arrayBuffer();
      } catch (error) {
        return { error, file };
      }
    }
    return { error: batchError, file: null };
  }
}

/** Hashes (and stores) a batch of small files read as one Blob. */
export async function hashBatch(
  entries: ReadonlyArray<{ id: number; file: Blob }>,
  ctx: TaskContext,
): Promise<TaskOutcome> {
  if (ctx.cancelled()) return { type: 'cancelled', stored: [] };
  const all = await readBatch(
    entries.map((e) => e.file),
    ctx.readStallMs ?? READ_STALL_MS,
  );
  if (!(all instanceof Uint8Array)) return failure(all.error, all.file, []);
  if (ctx.cancelled()) return { type: 'cancelled', stored: [] };
  const results: HashedEntry[] = [];
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (const { id, file } of entries) {
    const piece = all.subarray(at, at + file.size);
    at += file.size;
    const hasher = new FileHasher(await ctx.md5(), 'md5');
    hasher.push(piece);
    const { md5, size } = hasher.finish();
    results.push({ id, md5, size, isNew: false });
    pieces.push(piece);
  }
  const store = ctx.store;
  if (store) {
    // One putMany, one IndexedDB transaction for the whole batch: a transaction per object
    // cost Chromium ~6–10 ms each (its commit, not the bytes), 62 s for 10,000 small files.
    // All or nothing, so a failed batch leaves nothing of itself to remove.
    try {
      const isNew = await store.putMany(
        results.map((r, i) => ({ id: objectId('md5', r.md5), bytes: pieces[i] as Uint8Array })),
      );
      results.forEach((r, i) => {
        r.isNew = isNew[i] === true;
      });
    } catch (error) {
      return failure(error, null, []);
    }
  }
  ctx.progress(at);
  return { type: 'done', results };
}
