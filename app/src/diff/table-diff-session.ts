/**
 * A table diff held in the diff worker, seen from the page: columns, key and the first changed
 * rows as soon as the worker has them (the counts follow when every row is matched), and any
 * further slice of rows read on demand. The files' bytes are copied once and transferred, so the
 * page never decodes or clones a big CSV (the copy is made in slices, see copy-in-slices.ts).
 */
import type { TableColumn, TableDiff, TableRowDiff } from '@cairn/core/diff';
import { type Accessor, createSignal } from 'solid-js';
import { copyInSlices } from './copy-in-slices.ts';
import { diffInWorker } from './diff-client.ts';

/** Rows per request to the worker, and what the worker sends first. */
export const TABLE_PAGE_ROWS = 200;

export interface TableDiffShown {
  columns: TableColumn[];
  key: string | null;
  keyCandidates: string[];
  /** The first changed rows (a page). */
  firstRows: TableRowDiff[];
  /** Null while the worker is still matching rows. */
  summary: TableDiff['summary'] | null;
  /** How many rows differ; null while counting. */
  count: number | null;
}

export interface TableDiffSession {
  shown: Accessor<TableDiffShown>;
  rows(from: number, to: number): Promise<TableRowDiff[]>;
  close(): void;
}

/** Opens the diff; resolves at the first rows (or at the end, for a diff with fewer), rejects on a table that cannot be read. */
export async function openTableDiff(
  before: Uint8Array,
  after: Uint8Array,
  delimiter: ',' | '\t',
  key: string | null,
): Promise<TableDiffSession> {
  const beforeBuffer = await copyInSlices(before);
  const afterBuffer = await copyInSlices(after);
  let closed = false;
  return new Promise((resolve, reject) => {
    let session: TableDiffSession | null = null;
    const make = (first: TableDiffShown, done: Promise<number>) => {
      const [shown, setShown] = createSignal(first);
      const handle: TableDiffSession = {
        shown,
        rows: async (from, to) => diffInWorker({ type: 'table-rows', session: await done, from, to }),
        close: () => {
          if (closed) return;
          closed = true;
          done.then((id) => diffInWorker({ type: 'table-close', session: id })).catch(() => {});
        },
      };
      return { handle, setShown };
    };
    let setShown: ((s: TableDiffShown) => void) | null = null;
    let resolveDone: (id: number) => void = () => {};
    let rejectDone: (error: unknown) => void = () => {};
    const done = new Promise<number>((res, rej) => {
      resolveDone = res;
      rejectDone = rej;
    });
    done.catch(() => {});
    diffInWorker(
      { type: 'table-open', before: beforeBuffer, after: afterBuffer, delimiter, key, firstRows: TABLE_PAGE_ROWS },
      {
        transfer: [beforeBuffer, afterBuffer],
        onHead: (head) => {
          const made = make(
            {
              columns: head.columns,
              key: head.key,
              keyCandidates: head.keyCandidates,
              firstRows: head.rows,
              summary: null,
              count: null,
            },
            done,
          );
          session = made.handle;
          setShown = made.setShown;
          resolve(session);
        },
      },
    ).then(
      (opened) => {
        const full: TableDiffShown = {
          columns: opened.columns,
          key: opened.key,
          keyCandidates: opened.keyCandidates,
          firstRows: opened.rows,
          summary: opened.summary,
          count: opened.count,
        };
        resolveDone(opened.session);
        if (setShown) setShown(full);
        else resolve(make(full, done).handle);
      },
      (error) => {
        rejectDone(error);
        reject(error);
      },
    );
  });
}
