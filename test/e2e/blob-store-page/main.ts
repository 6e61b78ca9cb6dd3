/**
 * The page of test/e2e/opfs-blob-store.test.ts: runs the blob-store suites in a dedicated worker
 * (where OPFS sync access handles exist) and hands back each test's outcome.
 */
import type { TestOutcome } from './vitest-shim.ts';

declare global {
  interface Window {
    runSuites(): Promise<TestOutcome[]>;
  }
}

window.runSuites = () =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./suites.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<TestOutcome[]>) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(e.message || 'the suites worker failed to start'));
  });
