/**
 * The data-cache write worker's work (opfs-write.worker.ts runs it; tests run it in Node):
 * answers each OpfsWriteRequest against `store`, a store that writes OPFS files where the
 * worker can. Writers are opened on their first message and forgotten once committed or
 * aborted; a failed write aborts its writer, so no half-written file outlives the error.
 */
import type { BlobStore, BlobWriter } from './blob-store.ts';
import type { OpfsWriteRequest, OpfsWriteResponse } from './opfs-write-protocol.ts';

export function opfsWriteHandler(store: BlobStore): (req: OpfsWriteRequest) => Promise<OpfsWriteResponse> {
  const writers = new Map<number, BlobWriter>();
  const writerOf = (n: number) => {
    let w = writers.get(n);
    if (!w) {
      w = store.writer();
      writers.set(n, w);
    }
    return w;
  };
  return async (req) => {
    try {
      if (req.type === 'putMany') return { id: req.id, ok: true, value: await store.putMany(req.objects) };
      if (req.type === 'abort') {
        const w = writers.get(req.writer);
        writers.delete(req.writer);
        await w?.abort();
        return { id: req.id, ok: true };
      }
      const w = writerOf(req.writer);
      if (req.type === 'write') {
        await w.write(req.bytes);
        return { id: req.id, ok: true };
      }
      writers.delete(req.writer);
      return { id: req.id, ok: true, value: await w.commit(req.object) };
    } catch (error) {
      if (req.type !== 'putMany' && writers.has(req.writer)) {
        await writers
          .get(req.writer)
          ?.abort()
          .catch(() => {});
        writers.delete(req.writer);
      }
      const e = error as { code?: unknown; message?: unknown; what?: unknown };
      return {
        id: req.id,
        ok: false,
        code: typeof e?.code === 'string' ? e.code : 'write_failed',
        message: typeof e?.message === 'string' ? e.message : String(error),
        ...(typeof e?.what === 'string' ? { what: e.what } : {}),
      };
    }
  };
}

/**
 * `handle`, answering one request at a time in the order they came: a writer sends its next
 * pieces before the last one is answered (opfs-write-client.ts), and each must land after the one
 * before it.
 */
export function oneAtATime<Req, Res>(handle: (req: Req) => Promise<Res>): (req: Req) => Promise<Res> {
  let queue: Promise<unknown> = Promise.resolve();
  return (req) => {
    const answer = queue.then(() => handle(req));
    queue = answer.catch(() => {});
    return answer;
  };
}
