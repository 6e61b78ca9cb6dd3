/**
 * Test-only: a Worker stand-in (Node has no Worker). Each message posted to it is answered by
 * `reply` on a later turn, as a real worker would; `throw` raises `error` as a worker that throws
 * outside a handler does, `unreadable` raises `messageerror`.
 */
export class StandInWorker<In = unknown, Out = unknown> {
  onmessage: ((e: MessageEvent<Out>) => unknown) | null = null;
  onerror: ((e: ErrorEvent) => unknown) | null = null;
  onmessageerror: ((e: MessageEvent) => unknown) | null = null;
  terminated = false;
  readonly posted: In[] = [];

  constructor(private readonly reply: (message: In, worker: StandInWorker<In, Out>) => void) {}

  postMessage(message: In): void {
    this.posted.push(message);
    setTimeout(() => {
      if (!this.terminated) this.reply(message, this);
    }, 0);
  }

  /** The worker sends `data` to the page. */
  send(data: Out): void {
    this.onmessage?.({ data } as MessageEvent<Out>);
  }

  throw(message: string): void {
    this.onerror?.({ message, preventDefault() {} } as ErrorEvent);
  }

  unreadable(): void {
    this.onmessageerror?.({} as MessageEvent);
  }

  terminate(): void {
    this.terminated = true;
  }

  /** Typed as the Worker the code under test starts. */
  asWorker(): Worker {
    return this as unknown as Worker;
  }
}
