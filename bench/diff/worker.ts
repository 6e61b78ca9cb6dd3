/** The diff bench's worker thread: runs core's diffs on what it is sent, like the app's diff.worker.ts. */
import { parentPort } from 'node:worker_threads';
import { diffText } from '../../packages/core/src/diff/line-diff.ts';
import { diffNotebooks } from '../../packages/core/src/diff/notebook-diff.ts';
import { diffTables } from '../../packages/core/src/diff/table-diff.ts';
import { indexTableDiff } from '../../packages/core/src/diff/table-diff-index.ts';

type Message =
  | { type: 'text' | 'notebook' | 'table'; before: string; after: string }
  /** The app's big-table path: the files' bytes transferred, first rows posted as soon as known. */
  | { type: 'table-index'; before: ArrayBuffer; after: ArrayBuffer };

parentPort?.on('message', (m: Message) => {
  if (m.type === 'table-index') {
    const index = indexTableDiff(new Uint8Array(m.before), new Uint8Array(m.after), {
      delimiter: ',',
      headRows: 200,
      onHead: (head) => parentPort?.postMessage({ head: head.rows.length }),
    });
    parentPort?.postMessage({ done: true, summary: index.summary, key: index.key, first: index.rows(0, 200).length });
    return;
  }
  parentPort?.postMessage(
    m.type === 'text'
      ? diffText(m.before, m.after)
      : m.type === 'notebook'
        ? diffNotebooks(m.before, m.after)
        : diffTables(m.before, m.after, { delimiter: ',' }),
  );
});
