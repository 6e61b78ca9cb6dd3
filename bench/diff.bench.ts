/**
 * Diffs as the commit page computes them, on the sizes issue 12 names:
 * - a 10,000-line file with 1,000 scattered changes: jsdiff's own `diffLines` (baseline) against
 *   core's `diffText` (interned lines, common ends cut, word marks added) in this thread and in a
 *   worker thread with the result sent back (what the page waits for before painting);
 * - a 200-cell notebook re-run with every cell id regenerated and 20 cells changed, in a worker;
 * - a CSV of 100,000 rows × 10 columns with 1 % of rows changed: daff (baseline, the table diff
 *   library the issue names) against core's `diffTables`.
 * Node worker threads stand in for the browser's Web Worker (same structured clone of the result).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { diffLines } from 'diff';
import { diffText } from '../packages/core/src/diff/line-diff.ts';
import { diffNotebooks } from '../packages/core/src/diff/notebook-diff.ts';
import { diffTables } from '../packages/core/src/diff/table-diff.ts';
import { measure, report } from './lib.ts';

let seed = 42;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};

// Text: 10,000 lines, 1,000 of them edited (one word), some deleted or inserted.
const lines = Array.from(
  { length: 10_000 },
  (_, i) => `    value_${i} = compute(${i}, rate=${(i % 97) / 100})  # step ${i}`,
);
const edited = [...lines];
for (let k = 0; k < 1000; k++) {
  const at = Math.floor(random() * edited.length);
  edited[at] = random() < 0.8 ? (edited[at] ?? '').replace('compute', 'compute_fast') : `    # inserted note ${k}`;
}
const before = `${lines.join('\n')}\n`;
const after = `${edited.join('\n')}\n`;

// Notebook: 200 code cells with outputs; the re-run regenerates every id and changes 20 cells.
const notebook = (idPrefix: string, change: (i: number) => boolean) =>
  JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: Array.from({ length: 200 }, (_, i) => ({
      cell_type: 'code',
      id: `${idPrefix}-${i}`,
      metadata: {},
      execution_count: i + 1,
      source: [
        `x_${i} = load(${i})\n`,
        `model_${i} = fit(x_${i}, alpha=${change(i) ? 0.5 : 0.1})\n`,
        `print(model_${i})`,
      ],
      outputs: [{ output_type: 'stream', name: 'stdout', text: [`score ${change(i) ? i / 3 : i / 2}\n`] }],
    })),
  });
const nbBefore = notebook('a', () => false);
const nbAfter = notebook('b', (i) => i % 10 === 0);

// Table: 100,000 rows × 10 columns, 1 % of rows with one changed cell.
const ROWS = 100_000;
const header = ['id', ...Array.from({ length: 9 }, (_, c) => `col${c}`)];
const rowsA = Array.from({ length: ROWS }, (_, r) => [
  String(r),
  ...Array.from({ length: 9 }, (_, c) => String((r * 7 + c) % 1000)),
]);
const rowsB = rowsA.map((row, r) => (r % 100 === 50 ? [row[0] as string, 'changed', ...row.slice(2)] : row));
const csv = (rows: string[][]) => [header, ...rows].map((r) => r.join(',')).join('\n');
const csvA = csv(rowsA);
const csvB = csv(rowsB);

// Node 20 does not hand tsx's loader to worker threads: the worker registers it, then loads the TypeScript file.
const workerUrl = new URL('./diff/worker.ts', import.meta.url).href;
const worker = new Worker(
  `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); });`,
  { eval: true },
);
const inWorker = (message: { type: 'text' | 'notebook'; before: string; after: string }) =>
  new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage(message);
  });

const textBaseline = await measure('jsdiff diffLines (main thread)', () => diffLines(before, after));
const textCore = await measure('core diffText (main thread)', () => diffText(before, after));
const textWorker = await measure('core diffText in a worker', () => inWorker({ type: 'text', before, after }));
const d = diffText(before, after);
report('10,000-line file, 1,000 scattered changes', textBaseline, [textCore, textWorker], {
  changes: `${d.added} added, ${d.removed} removed lines`,
});

const nbMain = await measure('core diffNotebooks (main thread)', () => diffNotebooks(nbBefore, nbAfter));
const nbWorker = await measure('core diffNotebooks in a worker', () =>
  inWorker({ type: 'notebook', before: nbBefore, after: nbAfter }),
);
const nb = diffNotebooks(nbBefore, nbAfter);
report('200-cell notebook, ids regenerated, 20 cells changed', nbMain, [nbWorker], {
  result: `${nb.cells.filter((c) => c.kind === 'modified').length} modified, ${nb.cells.filter((c) => c.kind === 'added').length} added cells, matched by ${nb.matchedBy}`,
});
await worker.terminate();

interface Daff {
  TableView: new (rows: string[][]) => unknown;
  compareTables: (a: unknown, b: unknown) => { align(): unknown };
  CompareFlags: new () => unknown;
  TableDiff: new (alignment: unknown, flags: unknown) => { hilite(out: unknown): void };
}
const daff = createRequire(import.meta.url)('daff') as Daff;
const daffTable = await measure(
  'daff (parse + align + highlight)',
  () => {
    const parse = (text: string) => text.split('\n').map((l) => l.split(','));
    const alignment = daff.compareTables(new daff.TableView(parse(csvA)), new daff.TableView(parse(csvB))).align();
    const out = new daff.TableView([]);
    new daff.TableDiff(alignment, new daff.CompareFlags()).hilite(out);
  },
  { runs: 3 },
);
const coreTable = await measure(
  'core diffTables (papaparse + key match)',
  () => diffTables(csvA, csvB, { delimiter: ',' }),
  { runs: 3 },
);
const t = diffTables(csvA, csvB, { delimiter: ',' });
report('CSV 100,000 rows × 10 columns, 1 % rows changed', daffTable, [coreTable], {
  result: `${t.summary.changed} changed rows by key ${t.key}`,
});
