/**
 * Runs a clone's download in pack-receive.worker.ts: the pack streams into the repository's OPFS
 * pack folder and is indexed there, so the page never holds it. Resolves with the `.idx`, the
 * pack's name and the shallow list; with null where the worker cannot write OPFS files (no sync
 * access handles), before anything was fetched.
 */
import { CairnError } from '@cairn/core/errors';
import type { PackReceiveReply, PackReceiveRequest } from './pack-receive-protocol.ts';

export type ReceivedIntoStore = Omit<Extract<PackReceiveReply, { type: 'done' }>, 'type'>;

export async function receivePackIntoStore(
  request: PackReceiveRequest,
  onProgress?: (p: { phase: string; loaded: number; total?: number }) => void,
): Promise<ReceivedIntoStore | null> {
  const worker = new Worker(new URL('./pack-receive.worker.ts', import.meta.url), {
    type: 'module',
    name: 'cairn-pack-receive',
  });
  try {
    return await new Promise<ReceivedIntoStore | null>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<PackReceiveReply>) => {
        const m = event.data;
        if (m.type === 'progress') onProgress?.(m.progress);
        else if (m.type === 'unsupported') resolve(null);
        else if (m.type === 'done') {
          const { type: _, ...received } = m;
          resolve(received);
        } else reject(CairnError.fromJSON(m.error));
      };
      worker.onerror = (event) => reject(new Error(event.message || 'the pack receiving worker failed'));
      worker.postMessage(request);
    });
  } finally {
    worker.terminate();
  }
}
