/**
 * The one crash path of the app's workers. A worker that throws outside a handler, fails to
 * load (a bad chunk after an update, a CSP refusal) or sends a message that cannot be read
 * raises `error`/`messageerror` on its Worker object — and nothing else: whoever waits for a
 * reply would wait forever. `whenWorkerDies` turns those into one call with a message a person
 * can read, stops the worker, and keeps the browser from logging the error as uncaught.
 */

/** The parts of a Worker this needs (tests pass stand-ins; Node has no Worker). */
export type WorkerLike = Pick<Worker, 'terminate'> & {
  onerror: ((e: ErrorEvent) => unknown) | null;
  onmessageerror: ((e: MessageEvent) => unknown) | null;
};

export function whenWorkerDies(worker: WorkerLike, died: (message: string) => void): void {
  let dead = false;
  const die = (message: string) => {
    if (dead) return;
    dead = true;
    worker.terminate();
    died(message);
  };
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    die(e.message || 'it could not start');
  };
  worker.onmessageerror = () => die('it sent a message that could not be read');
}
