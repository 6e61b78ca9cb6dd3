/**
 * A pack file written in OPFS by a worker of its own (pack-write.worker.ts), so the thread that
 * receives and indexes the pack never waits on the disk: received bytes are gathered into
 * pieces of a few MiB, each piece handed over (transferred, not copied) and handed back once
 * written. A few pieces circulate; when all are with the writer (the disk is slower than the
 * network), `ready()` waits for one, and the download waits with it — memory stays bounded.
 *
 *   const file = await PackFileWriter.open(folderName, name);
 *   for (const bytes of received) { file.append(bytes); await file.ready(); }
 *   const { checksum } = await file.finish(); // flushed to disk and closed
 */
import type { PackWriteReply, PackWriteRequest } from './pack-write-protocol.ts';

/** Bytes per piece handed to the writer: few messages and writes, little held. */
const PIECE_BYTES = 4 * 1024 * 1024;
/** Pieces circulating: the most the writer may fall behind (PIECE_BYTES × this). */
const PIECES = 6;

/** A failure of the writer, with the DOMException's name (QuotaExceededError: the disk is full). */
function writerError(name: string, message: string): Error {
  return new DOMException(message, name);
}

export class PackFileWriter {
  private readonly free: ArrayBuffer[] = [];
  private piece: Uint8Array;
  private filled = 0;
  private failure: Error | null = null;
  private waiting: (() => void) | null = null;
  private finished: ((done: { bytes: number; checksum: Uint8Array }) => void) | null = null;
  private closed: (() => void) | null = null;

  private constructor(private readonly worker: Worker) {
    for (let i = 1; i < PIECES; i++) this.free.push(new ArrayBuffer(PIECE_BYTES));
    this.piece = new Uint8Array(PIECE_BYTES);
    worker.onmessage = (event: MessageEvent<PackWriteReply>) => this.onReply(event.data);
    worker.onerror = (event) => this.fail(new Error(event.message || 'the pack writing worker failed'));
  }

  /** Creates `name` in the OPFS folder `folderName` and a worker writing it. */
  static async open(folderName: string, name: string): Promise<PackFileWriter> {
    const worker = new Worker(new URL('./pack-write.worker.ts', import.meta.url), {
      type: 'module',
      name: 'cairn-pack-write',
    });
    const writer = new PackFileWriter(worker);
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<PackWriteReply>) => {
        const m = event.data;
        worker.onmessage = (e: MessageEvent<PackWriteReply>) => writer.onReply(e.data);
        if (m.type === 'opened') resolve();
        else if (m.type === 'failed') reject(writerError(m.name, m.message));
      };
      worker.onerror = (event) => reject(new Error(event.message || 'the pack writing worker failed'));
      writer.post({ type: 'open', folderName, name });
    }).catch((error) => {
      worker.terminate();
      throw error;
    });
    worker.onerror = (event) => writer.fail(new Error(event.message || 'the pack writing worker failed'));
    return writer;
  }

  /** The next bytes of the file (copied: `bytes` may be reused once this returns). */
  append(bytes: Uint8Array): void {
    if (this.failure) throw this.failure;
    for (let from = 0; from < bytes.length; ) {
      const n = Math.min(this.piece.length - this.filled, bytes.length - from);
      this.piece.set(bytes.subarray(from, from + n), this.filled);
      this.filled += n;
      from += n;
      if (this.filled === this.piece.length) this.send();
    }
  }

  /** Resolves once a free piece is at hand (at once, unless the writer is behind by every piece). */
  async ready(): Promise<void> {
    while (!this.failure && this.free.length === 0) {
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
    if (this.failure) throw this.failure;
  }

  /**
   * Writes what is left, flushes the file to disk and closes it; resolves with the file's size
   * and the SHA-1 of all its bytes but the last 20 (a pack's checksum, taken by the writer).
   */
  async finish(): Promise<{ bytes: number; checksum: Uint8Array }> {
    if (this.failure) throw this.failure;
    if (this.filled > 0) this.send();
    const done = await new Promise<{ bytes: number; checksum: Uint8Array }>((resolve) => {
      this.finished = resolve;
      this.post({ type: 'finish' });
    });
    if (this.failure) throw this.failure;
    this.worker.terminate();
    return done;
  }

  /** Closes the file unflushed and ends the worker (after a failed receive); never throws. */
  async abort(): Promise<void> {
    if (!this.failure) {
      await new Promise<void>((resolve) => {
        this.closed = resolve;
        this.post({ type: 'close' });
      });
    }
    this.worker.terminate();
  }

  /** Hands the current piece to the writer and takes a free one (a new one if none is back yet). */
  private send(): void {
    const piece = this.piece;
    this.post({ type: 'write', piece: piece.buffer as ArrayBuffer, length: this.filled }, [piece.buffer]);
    const next = this.free.pop();
    this.piece = new Uint8Array(next ?? new ArrayBuffer(PIECE_BYTES));
    this.filled = 0;
  }

  private post(message: PackWriteRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private onReply(m: PackWriteReply): void {
    if (m.type === 'written') {
      this.free.push(m.piece);
      this.wake();
    } else if (m.type === 'finished') {
      this.finished?.({ bytes: m.bytes, checksum: m.checksum });
    } else if (m.type === 'closed') {
      this.closed?.();
    } else if (m.type === 'failed') {
      this.fail(writerError(m.name, m.message));
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake();
    this.finished?.({ bytes: -1, checksum: new Uint8Array(0) });
    this.closed?.();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }
}
