/** Asks the layout worker (one per tab, made on first use) for dagre positions of a graph. */
import { workerCalls } from '../experiments/worker-calls.ts';
import type { LayoutRequest, LayoutResponse } from './layout-protocol.ts';

let nextId = 1;
const call = workerCalls<LayoutRequest, LayoutResponse>(
  () => new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module', name: 'cairn-pipeline-layout' }),
  (id, message) => ({ id, ok: false, message: `the layout worker failed: ${message}` }),
);

export async function layoutInWorker(
  nodes: LayoutRequest['nodes'],
  edges: LayoutRequest['edges'],
): Promise<Extract<LayoutResponse, { ok: true }>> {
  const reply = await call({ id: nextId++, nodes, edges });
  if (!reply.ok) throw new Error(reply.message);
  return reply;
}
