/**
 * Messages between a worker that hashes and the worker of its own that writes its OPFS files
 * (opfs-file-thread.ts, opfs-file-thread.worker.ts). Pieces travel as transferred buffers and
 * come back once written, so nothing is copied between the two and the hashing worker reuses a
 * few buffers. Messages about one file are handled in the order sent.
 */

export type FileThreadRequest =
  | { type: 'open'; file: number; folder: string; name: string }
  | { type: 'write'; file: number; buffer: ArrayBuffer; length: number }
  /** Flush (fsync) and close: answered once every piece sent before it is on disk. */
  | { type: 'finish'; file: number }
  /** Close (if open) and remove the file. */
  | { type: 'discard'; file: number };

export type FileThreadResponse =
  /** A piece's buffer, handed back once its bytes are written (or once a failure made it moot). */
  | { type: 'written'; file: number; buffer: ArrayBuffer }
  | { type: 'finished'; file: number }
  | { type: 'discarded'; file: number }
  /** The file's first failure (open, a write, or the flush): `name` is the DOMException's. */
  | { type: 'failed'; file: number; name: string; message: string };
