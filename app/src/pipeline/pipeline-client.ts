/**
 * Asks the pipeline worker (one per tab, made on first use) for a commit's pipeline, or for the
 * commit that last changed a stage (the same worker: its git object store is already open).
 */
import type { StageLastChange } from '@cairn/core/pipeline';
import { workerCalls } from '../workers/worker-calls.ts';
import type { PipelineRequest, PipelineResponse } from './pipeline-protocol.ts';

let nextId = 1;
const call = workerCalls<PipelineRequest, PipelineResponse>(
  () => new Worker(new URL('./pipeline.worker.ts', import.meta.url), { type: 'module', name: 'cairn-pipeline' }),
  (id, message) => ({ id, ok: false, message: `the pipeline worker failed: ${message}` }),
);

export async function loadPipelineSnapshot(
  fsName: string,
  dir: string,
  commit: string,
  base?: string,
): Promise<Extract<PipelineResponse, { snapshot: unknown }>> {
  const reply = await call({
    id: nextId++,
    kind: 'snapshot',
    fsName,
    dir,
    commit,
    ...(base !== undefined ? { base } : {}),
  });
  if (!reply.ok) throw new Error(reply.message);
  if (!('snapshot' in reply)) throw new Error('the pipeline worker answered another question');
  return reply;
}

/** The stage `local` of the dvc.yaml at `file`: the newest commit from `commit` that changed it. */
export async function loadStageLastChange(
  fsName: string,
  dir: string,
  commit: string,
  file: string,
  local: string,
): Promise<StageLastChange> {
  const reply = await call({ id: nextId++, kind: 'last-change', fsName, dir, commit, file, local });
  if (!reply.ok) throw new Error(reply.message);
  if (!('lastChange' in reply)) throw new Error('the pipeline worker answered another question');
  return reply.lastChange;
}
