/** The diff bench's worker thread: runs core's diffs on what it is sent, like the app's diff.worker.ts. */
import { parentPort } from 'node:worker_threads';
import { diffText } from '../../packages/core/src/diff/line-diff.ts';
import { diffNotebooks } from '../../packages/core/src/diff/notebook-diff.ts';

parentPort?.on('message', (m: { type: 'text' | 'notebook'; before: string; after: string }) => {
  parentPort?.postMessage(m.type === 'text' ? diffText(m.before, m.after) : diffNotebooks(m.before, m.after));
});
