/**
 * Messages between the page and the run-feed worker (run-feed.worker.ts). The worker pulls a
 * repository's run feed (fetch, JSON parse, store in the experiments database) and hands each
 * stored page back as a columnar block (core run-block.ts) whose typed arrays are transferred,
 * not cloned: the page only decodes the runs it is given.
 */
import type { RunBlock } from '@cairn/core/runs';

export interface FeedPullRequest {
  id: number;
  server: string;
  repo: string;
  /** This device's token for the server (the worker does not read the app's settings). */
  token: string | null;
}

export type FeedPullMessage =
  | { id: number; type: 'page'; block: RunBlock; more: boolean; version: number; remaining: number | null }
  | { id: number; type: 'done'; changed: number }
  | { id: number; type: 'failed'; message: string };

/** The buffers of a block's typed arrays, to transfer with it. */
export function blockBuffers(block: RunBlock): ArrayBuffer[] {
  const arrays: ArrayBufferView[] = [block.status, block.deleted, block.startTime, block.endTime, block.sourceOf];
  for (const c of block.params) arrays.push(c.codes);
  for (const c of block.tags) arrays.push(c.codes);
  for (const c of block.metrics) arrays.push(c.has, c.value, c.last, c.min, c.max, c.step, c.timestamp, c.count);
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}
