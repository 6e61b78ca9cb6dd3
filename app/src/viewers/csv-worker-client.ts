/**
 * The table viewer's line to its CSV worker (csv.worker.ts): requests out, responses in. A worker
 * that dies (throws, fails to load) answers with the protocol's own `error` response, so the
 * viewer says the table cannot be read instead of showing "parsing…" forever.
 */
import { whenWorkerDies } from '../workers/worker-death.ts';
import type { CsvRequest, CsvResponse } from './csv-protocol.ts';

export interface CsvWorkerClient {
  send(request: CsvRequest): void;
  close(): void;
}

/** `start` must hold the literal `new Worker(new URL(...))` so the bundler finds the worker. */
export function connectCsvWorker(start: () => Worker, receive: (response: CsvResponse) => void): CsvWorkerClient {
  const worker = start();
  let open = true;
  worker.onmessage = (event: MessageEvent<CsvResponse>) => {
    if (open) receive(event.data);
  };
  whenWorkerDies(worker, (message) => {
    if (open) receive({ type: 'error', message: `the CSV reader stopped (${message})` });
    open = false;
  });
  return {
    send: (request) => {
      if (open) worker.postMessage(request);
    },
    close: () => {
      open = false;
      worker.terminate();
    },
  };
}
