/**
 * Messages between the page and the run-feed worker (run-feed.worker.ts). The worker pulls a
 * repository's run feed (fetch, JSON parse, store in the experiments database) and hands each
 * parsed page back as a columnar block (then says when it is stored) (core run-block.ts) whose typed arrays are transferred,
 * not cloned: the page only decodes the runs it is given.
 */
import type { RunBlock } from '@cairn/core/runs';

export interface FeedPullRequest {
  id: number;
  server: string;
  repo: string;
  /** This device's token for the server (the worker does not read the app's settings). */
  token: string | null;
  /**
   * Where the pages go instead of the page: the runs table's worker (run-table-protocol.ts
   * TableCommand messages: each page, its stored stamp, the end of the pull, in order). The
   * page then gets the pages' run counts only.
   */
  port?: MessagePort;
}

export type FeedPullMessage =
  /** A page as soon as it is parsed (`remaining`: runs after it, when the server said). */
  | { id: number; type: 'page'; block: RunBlock | null; count: number; more: boolean; remaining: number | null }
  /** The same page once stored, with the store's write stamp after it. */
  | { id: number; type: 'stored'; more: boolean; version: number }
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
