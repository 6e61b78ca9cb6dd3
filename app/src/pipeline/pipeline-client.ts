/** Asks the pipeline worker (one per tab, made on first use) for a commit's pipeline. */
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
): Promise<Extract<PipelineResponse, { ok: true }>> {
  const reply = await call({ id: nextId++, fsName, dir, commit, ...(base !== undefined ? { base } : {}) });
  if (!reply.ok) throw new Error(reply.message);
  return reply;
}
