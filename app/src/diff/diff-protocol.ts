/** Messages between the diff views and their worker (diff.worker.ts). */
import type {
  DirDiff,
  DirFile,
  NotebookDiff,
  RenameCandidate,
  RenamePair,
  TableDiffHead,
  TableDiffIndex,
  TableRowDiff,
  TextDiff,
} from '@cairn/core/diff';

export type DiffRequest =
  | { type: 'text'; before: string; after: string; ignoreWhitespace: boolean }
  | { type: 'notebook'; before: string; after: string; ignoreWhitespace: boolean }
  /**
   * A table diff kept in the worker (a session) and read a page at a time. The files' bytes are
   * transferred, not copied or decoded on the page; the first rows come back as a `head` message
   * before the counts are done.
   */
  | {
      type: 'table-open';
      before: ArrayBuffer;
      after: ArrayBuffer;
      delimiter: ',' | '\t';
      key: string | null;
      firstRows: number;
    }
  | { type: 'table-rows'; session: number; from: number; to: number }
  | { type: 'table-close'; session: number }
  | { type: 'renames'; deleted: RenameCandidate[]; added: RenameCandidate[] }
  | { type: 'copies'; sources: RenameCandidate[]; added: RenameCandidate[] }
  | { type: 'dir'; before: DirFile[]; after: DirFile[] };

/** An opened table diff: everything but the rows after the first page, which `table-rows` reads. */
export type TableDiffOpened = Omit<TableDiffIndex, 'rows'> & { session: number; rows: TableRowDiff[] };

export interface DiffResults {
  text: TextDiff;
  notebook: NotebookDiff;
  'table-open': TableDiffOpened;
  'table-rows': TableRowDiff[];
  'table-close': null;
  renames: RenamePair[];
  copies: RenamePair[];
  dir: DirDiff;
}

/** Why a diff could not be made, worded for the page (the rest of the page goes on working). */
export interface DiffFailure {
  code: string;
  message: string;
}

export type DiffResponse =
  | { id: number; ok: true; result: DiffResults[DiffRequest['type']] }
  | { id: number; ok: false; error: DiffFailure }
  /** Sent before the answer, by requests that stream (`table-open`: its first rows). */
  | { id: number; head: TableDiffHead };
