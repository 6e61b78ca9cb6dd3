/**
 * A page's writes of the data cache, sent to the write worker (opfs-write.worker.ts) so their
 * bytes land in OPFS files rather than IndexedDB chunk rows (which only the next load's move
 * would bring into OPFS). A streamed object's bytes are gathered into PIECE_BYTES pieces and
 * handed over (transferred, not copied again) with a few pieces in flight while the next fills,
 * so a 1 GiB download holds a few pieces on the page, not the file.
 */
import { CairnError } from '@cairn/core/errors';
import { assertObjectId, type BlobWriter, type ObjectId, type PutObject } from './blob-store.ts';
import { InvalidOidError, StorageFullError } from './errors.ts';
import type { OpfsWriteRequest, OpfsWriteResponse } from './opfs-write-protocol.ts';

/** Bytes per message to the worker: big enough that messages cost nothing, small enough to hold two. */
export const PIECE_BYTES = 1024 * 1024;

/**
 * Pieces a writer has sent and not yet seen answered: more than one, so the next piece is already
 * at the worker when it finishes one, instead of each waiting a round trip between threads.
 * Bounds what a writer holds to (PIECES_IN_FLIGHT + 1) pieces. The worker handles a writer's
 * messages in order.
 */
const PIECES_IN_FLIGHT = 3;

/** The write worker's answer when it failed for another reason than storage (it crashed, say). */
export class CacheWriteError extends CairnError<'cache_write_failed'> {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super('cache_write_failed', `Saving data on this device failed: ${message}`);
    this.name = 'CacheWriteError';
  }
}

/** The writes a page hands to the worker. */
export interface WorkerWrites {
  putMany(objects: readonly PutObject[]): Promise<boolean[]>;
  writer(): BlobWriter;
}

/** A request before it is numbered (each kind of request without its `id`). */
type Unsent = OpfsWriteRequest extends infer R ? (R extends OpfsWriteRequest ? Omit<R, 'id'> : never) : never;
type Call = (req: OpfsWriteRequest, transfer?: Transferable[]) => Promise<OpfsWriteResponse>;

/** The error a failed answer stands for, typed as the store would have thrown it. */
function errorOf(r: Extract<OpfsWriteResponse, { ok: false }>, ids: readonly string[]): Error {
  if (r.code === 'storage_full') return new StorageFullError(r.what ?? 'a data object');
  if (r.code === 'invalid_oid') return new InvalidOidError(ids[0] ?? '');
  return new CacheWriteError(r.code, r.message);
}

/**
 * Writes through `call` (workerCalls over the write worker). `pieceBytes`: bytes per message.
 * @example const writes = workerWrites(workerCalls(() => new Worker(...), crashed)); await writes.putMany(objects)
 */
export function workerWrites(call: Call, pieceBytes = PIECE_BYTES): WorkerWrites {
  let nextId = 1;
  let nextWriter = 1;
  const send = async (req: Unsent, transfer: Transferable[] = []) => {
    const reply = await call({ ...req, id: nextId++ } as OpfsWriteRequest, transfer);
    if (!reply.ok) {
      const ids = req.type === 'commit' ? [req.object] : req.type === 'putMany' ? req.objects.map((o) => o.id) : [];
      throw errorOf(reply, ids);
    }
    return reply.value;
  };
  return {
    async putMany(objects) {
      for (const o of objects) assertObjectId(o.id);
      if (objects.length === 0) return [];
      // Copied: the caller keeps its buffers (views into a batch's one buffer, say).
      const copies = objects.map((o) => ({ id: o.id, bytes: o.bytes.slice() }));
      return (await send(
        { type: 'putMany', objects: copies },
        copies.map((c) => c.bytes.buffer),
      )) as boolean[];
    },
    writer() {
      const writer = nextWriter++;
      let filling = new Uint8Array(pieceBytes);
      let filled = 0;
      let size = 0;
      let closed = false;
      let sent = false;
      // Pieces sent and not yet answered, oldest first (at most PIECES_IN_FLIGHT).
      const inFlight: Promise<unknown>[] = [];
      let failed: { error: unknown } | null = null;
      /** Waits until fewer than `limit` pieces are in flight; throws the first failed write. */
      const settle = async (limit: number) => {
        while (inFlight.length > 0 && inFlight.length >= limit) await inFlight.shift();
        if (failed) throw failed.error;
      };
      const sendPiece = async (piece: Uint8Array) => {
        await settle(PIECES_IN_FLIGHT);
        sent = true;
        const reply = send({ type: 'write', writer, bytes: piece }, [piece.buffer]).catch((error: unknown) => {
          failed ??= { error }; // surfaced by the next write, commit or abort
        });
        inFlight.push(reply);
      };
      const flush = async () => {
        const piece = filling.subarray(0, filled);
        filling = new Uint8Array(pieceBytes);
        filled = 0;
        await sendPiece(piece);
      };
      return {
        get size() {
          return size;
        },
        // Each piece is copied before `write` resolves: callers need not gather rows.
        writesInPlace: true,
        async write(bytes) {
          if (closed) throw new Error('This blob writer is already closed.');
          size += bytes.byteLength;
          for (let at = 0; at < bytes.byteLength; ) {
            const n = Math.min(pieceBytes - filled, bytes.byteLength - at);
            filling.set(bytes.subarray(at, at + n), filled);
            filled += n;
            at += n;
            if (filled === pieceBytes) await flush();
          }
        },
        async commit(id: ObjectId) {
          assertObjectId(id);
          if (closed) throw new Error('This blob writer is already closed.');
          closed = true;
          if (filled > 0) await flush();
          await settle(1);
          return (await send({ type: 'commit', writer, object: id })) as boolean;
        },
        async abort() {
          closed = true;
          await settle(1).catch(() => {});
          if (sent) await send({ type: 'abort', writer });
        },
      };
    },
  };
}
