/**
 * Runs core's indexPack in a Web Worker (pack-index.worker.ts), handing the pack over and back
 * without copying it. Where there are no workers (Node tests) it runs here instead.
 */
import { CairnError } from '@cairn/core/errors';
import { type IndexPackProgress, indexPack, type PackIndexResult } from '@cairn/core/git';
import type { PackIndexReply } from './pack-index.worker.ts';
import { inflateEntry } from './pack-inflate.ts';

export interface IndexedPack extends PackIndexResult {
  /** The same pack bytes, back from the worker. */
  pack: Uint8Array;
}

/** `checksum`: the pack's SHA-1 before its trailer, if already computed while it arrived. */
export async function indexPackOffThread(
  pack: Uint8Array,
  onProgress?: (p: IndexPackProgress) => void,
  checksum?: Uint8Array,
): Promise<IndexedPack> {
  if (typeof Worker === 'undefined') return { pack, ...(await indexPack(pack, inflateEntry, onProgress, checksum)) };
  const worker = new Worker(new URL('./pack-index.worker.ts', import.meta.url), {
    type: 'module',
    name: 'cairn-pack-index',
  });
  try {
    return await new Promise<IndexedPack>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<PackIndexReply>) => {
        const m = event.data;
        if (m.type === 'progress') onProgress?.(m.progress);
        else if (m.type === 'done') resolve({ pack: m.pack, idx: m.idx, packHash: m.packHash, objects: m.objects });
        else reject(CairnError.fromJSON(m.error));
      };
      worker.onerror = (event) => reject(new Error(event.message || 'the pack indexing worker failed'));
      worker.postMessage({ pack, checksum }, [pack.buffer]);
    });
  } finally {
    worker.terminate();
  }
}
