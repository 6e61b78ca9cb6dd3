import { describe, expect, it } from 'vitest';
import { StandInWorker } from './stand-in-worker.test-support.ts';
import { workerCalls } from './worker-calls.ts';
import { whenWorkerDies } from './worker-death.ts';

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
    const call = workerCalls<Req, Res>(
      () => fakeWorker(started),
      (id) => ({ id, ok: false, n: 0 }),
    );
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

describe('whenWorkerDies (worker-death.ts)', () => {
  it('reports a worker that throws once, and stops it', () => {
    const w = new StandInWorker(() => {});
    const deaths: string[] = [];
    whenWorkerDies(w, (m) => deaths.push(m));
    w.throw('ReferenceError: x is not defined');
    w.throw('again');
    expect(deaths).toEqual(['ReferenceError: x is not defined']);
    expect(w.terminated).toBe(true);
  });

  it('reports a worker that fails to load (an error without a message) and one whose message cannot be read', () => {
    const a = new StandInWorker(() => {});
    const b = new StandInWorker(() => {});
    const deaths: string[] = [];
    whenWorkerDies(a, (m) => deaths.push(m));
    whenWorkerDies(b, (m) => deaths.push(m));
    a.throw('');
    b.unreadable();
    expect(deaths).toEqual(['it could not start', 'it sent a message that could not be read']);
  });
});
