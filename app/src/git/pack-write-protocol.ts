/** Messages between a pack receiver (pack-write-client.ts) and the worker writing its file (pack-write.worker.ts). */

export type PackWriteRequest =
  /** Open (create) `name` in the OPFS folder `folderName` for writing from offset 0. */
  | { type: 'open'; folderName: string; name: string }
  /** Append the first `length` bytes of `piece` (transferred; it comes back in `written`). */
  | { type: 'write'; piece: ArrayBuffer; length: number }
  /** Flush the file to disk (fsync) and close it. */
  | { type: 'finish' }
  /** Close the file without flushing (the receive failed). */
  | { type: 'close' };

export type PackWriteReply =
  | { type: 'opened' }
  | { type: 'written'; piece: ArrayBuffer }
  /** `checksum`: the SHA-1 of every byte written but the last 20 (the pack's own checksum, to compare with its trailer). */
  | { type: 'finished'; bytes: number; checksum: Uint8Array }
  | { type: 'closed' }
  /** `name` is the DOMException's (QuotaExceededError: the disk is full). */
  | { type: 'failed'; name: string; message: string };
