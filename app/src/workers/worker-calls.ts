/**
 * Request/response over one worker shared by the tab: each request carries an `id` and the worker
 * answers with the same `id`. The worker is started on the first call (by `start`, which must hold
 * the literal `new Worker(new URL(...), ...)` so the bundler finds it) and kept. A worker that
 * fails to load or crashes answers what waits with `crashed(id, message)` (worker-death.ts) and
 * the next call starts a new one: no caller waits forever.
 *
 *   const call = workerCalls<Req, Res>(
 *     () => new Worker(new URL('./x.worker.ts', import.meta.url), { type: 'module' }),
 *     (id, message) => ({ id, ok: false, message }),
 *   );
 *   const reply = await call({ id: 1, ... }, transfer);
 */
import { whenWorkerDies } from './worker-death.ts';

export function workerCalls<Req extends { id: number }, Res extends { id: number }>(
  start: () => Worker,
  crashed: (id: number, message: string) => Res,
): (req: Req, transfer?: Transferable[]) => Promise<Res> {
  let worker: Worker | null = null;
  const waiting = new Map<number, (r: Res) => void>();
  const current = (): Worker => {
    if (worker) return worker;
    const w = start();
    w.onmessage = (e: MessageEvent<Res>) => {
      waiting.get(e.data.id)?.(e.data);
      waiting.delete(e.data.id);
    };
    whenWorkerDies(w, (message) => {
      for (const [id, resolve] of waiting) resolve(crashed(id, message));
      waiting.clear();
      if (worker === w) worker = null;
    });
    worker = w;
    return w;
  };
  return (req, transfer = []) =>
    new Promise<Res>((resolve) => {
      waiting.set(req.id, resolve);
      current().postMessage(req, { transfer });
    });
}
