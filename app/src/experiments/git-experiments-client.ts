/**
 * Asks the git-scanning worker for a repository's git experiments (one worker per tab, made
 * on first use) and stores them in the offline store.
 */
import type { GitExperiment } from '@cairn/core/experiments/index';
import type { ScanRequest, ScanResponse } from './git-experiments-protocol.ts';
import { type ExperimentsDb, savedGitExperiment, saveGitExperiments } from './run-store.ts';

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, (r: ScanResponse) => void>();

function scanWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./git-experiments.worker.ts', import.meta.url), {
      type: 'module',
      name: 'cairn-git-experiments',
    });
    worker.onmessage = (e: MessageEvent<ScanResponse>) => {
      waiting.get(e.data.id)?.(e.data);
      waiting.delete(e.data.id);
    };
    // A worker that fails to load or crashes answers nobody: fail what waits, start afresh next time.
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      const message = `the git-experiments worker failed: ${e.message || 'it could not start'}`;
      for (const [id, resolve] of waiting) resolve({ id, ok: false, message });
      waiting.clear();
      worker?.terminate();
      worker = null;
    };
  }
  return worker;
}

export async function scanGitExperiments(fsName: string, dir: string, repo: string): Promise<GitExperiment[]> {
  const id = nextId++;
  const reply = await new Promise<ScanResponse>((resolve) => {
    waiting.set(id, resolve);
    const req: ScanRequest = { id, fsName, dir, repo };
    scanWorker().postMessage(req);
  });
  if (!reply.ok) throw new Error(reply.message);
  return reply.experiments;
}

export async function refreshGitExperiments(
  db: ExperimentsDb,
  repo: string,
  fsName: string,
  dir: string,
): Promise<number> {
  const found = await scanGitExperiments(fsName, dir, repo);
  await saveGitExperiments(db, repo, found.map(savedGitExperiment));
  return found.length;
}
