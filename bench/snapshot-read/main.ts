/**
 * Harness page of snapshot-read.bench.ts: seeds a repository's columnar snapshot (the runs table
 * worker's store) and has a worker read it back as the runs table's worker does, timing each step.
 */
import { decodeRunBlock, encodeRunBlock, type Run } from '@cairn/core/runs';
import { BLOCK_RUNS, experimentsDb, saveStoredBlocks } from '../../app/src/experiments/run-store.ts';
import { makeRuns } from '../../app/src/experiments/test-runs.test-support.ts';
import type { ReadTiming } from './worker.ts';

export const REPO = 'bench/snap';

declare global {
  interface Window {
    snapSeed(n: number): Promise<string>;
    snapRead(mode: string): Promise<ReadTiming>;
  }
}

/** Where the format-1 snapshot (blocks stored as they are, strings as arrays) is kept: the baseline. */
export const REPO_V1 = 'bench/snap-v1';

window.snapSeed = async (n) => {
  const db = experimentsDb();
  await db.runBlocks.where('repo').equals(REPO).delete();
  await db.runBlocks.where('repo').equals(REPO_V1).delete();
  const blocks = [];
  for (let i = 0; i < n; i += BLOCK_RUNS) {
    const runs: Run[] = makeRuns(Math.min(BLOCK_RUNS, n - i), 50, 50, i + 1).map((r, k) => ({
      ...r,
      id: `run${i + k}`,
      name: `run-${i + k}`,
    }));
    blocks.push(encodeRunBlock(runs));
  }
  const writer = await saveStoredBlocks(db, REPO, 0, blocks);
  // The format before: the blocks themselves, a header without a format.
  for (const [part, block] of blocks.entries()) await db.table('runBlocks').put({ repo: REPO_V1, part, block });
  await db.table('runBlocks').put({ repo: REPO_V1, part: -1, parts: blocks.length, version: 0, writer: 'v1' });
  // The same runs without metric summaries (a block of has + value per metric): what a block
  // read without its summaries would cost.
  const bare = blocks.map((b) => encodeRunBlock(decodeRunBlock(b).map(({ run }) => ({ ...run, metricSummaries: {} }))));
  await db.runBlocks.where('repo').equals(`${REPO}-bare`).delete();
  await saveStoredBlocks(db, `${REPO}-bare`, 0, bare);
  return `${blocks.length} blocks written (${writer})`;
};

let worker: Worker | null = null;
window.snapRead = (mode) => {
  worker ??= new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const w = worker;
  return new Promise((resolve, reject) => {
    w.onmessage = (e: MessageEvent<ReadTiming | { error: string }>) =>
      'error' in e.data ? reject(new Error(e.data.error)) : resolve(e.data);
    w.postMessage({ repo: mode.endsWith('format-1') ? REPO_V1 : mode.endsWith('bare') ? `${REPO}-bare` : REPO, mode });
  });
};
