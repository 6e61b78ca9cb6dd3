/**
 * OPFS files written by a worker of their own, for a worker that hashes what it stores: with
 * the writes on another thread, hashing piece n+1 overlaps writing piece n (one thread did one
 * after the other). Measured in bench/browser-hash (probe `hash-store-split`, one 512 MiB file,
 * 6 rounds alternating, 2-core machine at load ~2.5): MD5 + OPFS write in one worker 2.2–2.7 s,
 * with the writes in a worker of its own 1.5–1.95 s.
 *
 * Each piece written is copied into one of a few buffers of this file's own (the caller may
 * reuse its bytes as soon as `write` resolves, as with the in-place writer); a full buffer is
 * transferred to the writer and handed back once written: at most POOL_BUFFERS buffers exist,
 * so memory stays bounded whatever the file's size. `finish` resolves only once the writer has
 * flushed (fsync) every byte — the same promise as the in-place writer's. A failure
 * on the writer's side (a full disk) is thrown by the next `write` or by `finish`.
 *
 *   const thread = new OpfsWriteThread(() => new Worker(new URL('./opfs-file-thread.worker.ts', import.meta.url), { type: 'module' }));
 *   const folder = new OpfsFolder('cache-objects', thread);   // folder.create(name) writes through it
 */
import type { FileThreadRequest, FileThreadResponse } from './opfs-file-thread-protocol.ts';
import type { OpfsFileWriter } from './opfs-files.ts';

/** Bytes per buffer sent (= the hash task's read buffer). */
const PIECE_BYTES = 4 * 1024 * 1024;
/** Pieces in flight per file at most: enough that the writer never waits on the hasher. */
const POOL_BUFFERS = 4;

interface FileState {
  free: ArrayBuffer[];
  allocated: number;
  /** Woken when a buffer comes back or the file fails. */
  wake: (() => void) | null;
  failure: Error | null;
  done: { resolve(): void; reject(error: unknown): void } | null;
}

/** A worker message answered by the writer thread's name for a failure. */
const asError = (name: string, message: string) => new DOMException(message, name);

export class OpfsWriteThread {
  #worker: Worker | null = null;
  #next = 1;
  readonly #files = new Map<number, FileState>();

  constructor(private readonly spawn: () => Worker) {}

  #post(message: FileThreadRequest, transfer: Transferable[] = []): void {
    if (!this.#worker) {
      const worker = this.spawn();
      worker.onmessage = (e: MessageEvent<FileThreadResponse>) => this.#answer(e.data);
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault?.();
        this.#lost(`The storage writer stopped: ${e.message}`);
      };
      this.#worker = worker;
    }
    this.#worker.postMessage(message, transfer);
  }

  /** The worker died: every file in progress fails, and the next file starts a new worker. */
  #lost(message: string): void {
    this.#worker?.terminate();
    this.#worker = null;
    for (const [id, f] of this.#files) this.#fail(id, f, asError('AbortError', message));
  }

  #fail(id: number, f: FileState, error: Error): void {
    f.failure ??= error;
    f.wake?.();
    f.wake = null;
    if (f.done) {
      f.done.reject(f.failure);
      f.done = null;
      this.#files.delete(id);
    }
  }

  #answer(m: FileThreadResponse): void {
    const f = this.#files.get(m.file);
    if (!f) return;
    if (m.type === 'written') {
      f.free.push(m.buffer);
      f.wake?.();
      f.wake = null;
    } else if (m.type === 'failed') {
      this.#fail(m.file, f, asError(m.name, m.message));
    } else if (f.done) {
      f.done.resolve();
      f.done = null;
      this.#files.delete(m.file);
    }
  }

  /** A new file `name` in OPFS folder `folder`, written by this thread's worker. */
  create(folder: string, name: string): OpfsFileWriter {
    const id = this.#next++;
    const f: FileState = { free: [], allocated: 0, wake: null, failure: null, done: null };
    this.#files.set(id, f);
    this.#post({ type: 'open', file: id, folder, name });
    let closed = false;
    const until = (type: 'finish' | 'discard') =>
      new Promise<void>((resolve, reject) => {
        f.done = { resolve, reject };
        this.#post({ type, file: id });
      });
    // Pieces are gathered into the buffer filling now and sent when it is full (or at finish):
    // a batch of small objects goes as one message, a big file in whole buffers.
    let filling: ArrayBuffer | null = null;
    let filled = 0;
    const take = async (): Promise<ArrayBuffer> => {
      while (!f.failure && f.free.length === 0 && f.allocated >= POOL_BUFFERS)
        await new Promise<void>((r) => {
          f.wake = r;
        });
      if (f.failure) throw f.failure;
      const reused = f.free.pop();
      if (reused) return reused;
      f.allocated++;
      return new ArrayBuffer(PIECE_BYTES);
    };
    const send = () => {
      if (filling && filled > 0) this.#post({ type: 'write', file: id, buffer: filling, length: filled }, [filling]);
      else if (filling) f.free.push(filling);
      filling = null;
      filled = 0;
    };
    return {
      name,
      write: async (bytes) => {
        for (let at = 0; at < bytes.byteLength; ) {
          if (f.failure) throw f.failure;
          filling ??= await take();
          const n = Math.min(PIECE_BYTES - filled, bytes.byteLength - at);
          new Uint8Array(filling, filled, n).set(bytes.subarray(at, at + n));
          filled += n;
          at += n;
          if (filled === PIECE_BYTES) send();
        }
      },
      finish: async () => {
        if (f.failure) throw f.failure;
        send();
        closed = true;
        await until('finish');
      },
      /** Closes the file if still open and removes it (a finished one is removed by the folder). */
      discard: async () => {
        if (closed && !this.#files.has(id)) return;
        closed = true;
        f.failure ??= new DOMException('The write was discarded.', 'AbortError');
        filling = null;
        f.done = null;
        await until('discard').catch(() => {});
      },
    };
  }
}
