import { describe, expect, it } from 'vitest';
import { workerCalls } from './worker-calls.ts';

type Req = { id: number; n: number };
type Res = { id: number; ok: boolean; n: number };

/** A stand-in worker: answers each request later (doubling n), or crashes when n < 0. */
function fakeWorker(started: { count: number }) {
  started.count++;
  const w = {
    onmessage: null as ((e: { data: Res }) => void) | null,
    onerror: null as ((e: { message: string; preventDefault(): void }) => void) | null,
    terminated: false,
    postMessage(req: Req) {
      setTimeout(() => {
        if (req.n < 0) w.onerror?.({ message: 'boom', preventDefault() {} });
        else w.onmessage?.({ data: { id: req.id, ok: true, n: req.n * 2 } });
      }, 0);
    },
    terminate() {
      w.terminated = true;
    },
  };
  return w as unknown as Worker;
}

describe('workerCalls', () => {
  it('matches replies to requests by id and keeps one worker', async () => {
    const started = { count: 0 };
    const call = workerCalls<Req, Res>(() => fakeWorker(started));
    const [a, b] = await Promise.all([call({ id: 1, n: 3 }), call({ id: 2, n: 5 })]);
    expect(a).toEqual({ id: 1, ok: true, n: 6 });
    expect(b).toEqual({ id: 2, ok: true, n: 10 });
    expect(started.count).toBe(1);
  });

  it('answers what waits when the worker crashes, then starts a new one', async () => {
    const started = { count: 0 };
    const call = workerCalls<Req, Res>(
      () => fakeWorker(started),
      (id, message) => ({ id, ok: false, n: message.length }),
    );
    expect(await call({ id: 1, n: -1 })).toEqual({ id: 1, ok: false, n: 4 });
    expect(await call({ id: 2, n: 1 })).toEqual({ id: 2, ok: true, n: 2 });
    expect(started.count).toBe(2);
  });
});
