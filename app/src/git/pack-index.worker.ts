/// <reference lib="webworker" />
/**
 * Indexes a received pack off the main thread (core's indexPack: inflate and SHA-1 of every
 * object, deltas resolved): seconds of CPU for a large clone that would otherwise freeze the
 * page. The pack arrives and goes back transferred, never copied.
 */
import { CairnError } from '@cairn/core/errors';
import { type IndexPackProgress, indexPack } from '@cairn/core/git';
import { inflateEntry } from './pack-inflate.ts';

export type PackIndexReply =
  | { type: 'progress'; progress: IndexPackProgress }
  | { type: 'done'; pack: Uint8Array; idx: Uint8Array; packHash: string; objects: number }
  | { type: 'failed'; error: ReturnType<CairnError['toJSON']> };

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<{ pack: Uint8Array; checksum?: Uint8Array }>) => {
  const { pack, checksum } = event.data;
  try {
    const result = await indexPack(
      pack,
      inflateEntry,
      (progress) => scope.postMessage({ type: 'progress', progress }),
      checksum,
    );
    const reply: PackIndexReply = { type: 'done', pack, ...result };
    scope.postMessage(reply, [pack.buffer, result.idx.buffer]);
  } catch (error) {
    const e =
      error instanceof CairnError ? error : new CairnError('git_object', String((error as Error)?.message ?? error));
    scope.postMessage({ type: 'failed', error: e.toJSON() } satisfies PackIndexReply);
  }
};
