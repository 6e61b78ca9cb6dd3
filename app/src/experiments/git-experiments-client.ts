/**
 * Asks the git-scanning worker for a repository's git experiments (one worker per tab, made
 * on first use) and stores them in the offline store.
 */
import type { GitExperiment } from '@cairn/core/experiments';
import { workerCalls } from '../workers/worker-calls.ts';
import type { ScanRequest, ScanResponse } from './git-experiments-protocol.ts';
import { type ExperimentsDb, savedGitExperiment, saveGitExperiments } from './run-store.ts';

let nextId = 1;
// A worker that fails to load or crashes answers nobody: fail what waits, start afresh next time.
const scan = workerCalls<ScanRequest, ScanResponse>(
  () =>
    new Worker(new URL('./git-experiments.worker.ts', import.meta.url), {
      type: 'module',
      name: 'cairn-git-experiments',
    }),
  (id, message) => ({ id, ok: false, message: `the git-experiments worker failed: ${message}` }),
);

export async function scanGitExperiments(fsName: string, dir: string, repo: string): Promise<GitExperiment[]> {
  const reply = await scan({ id: nextId++, fsName, dir, repo });
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
