/** Messages between the diff views and their worker (diff.worker.ts). */
import type {
  DirDiff,
  DirFile,
  NotebookDiff,
  RenameCandidate,
  RenamePair,
  TableDiff,
  TextDiff,
} from '@cairn/core/diff';

export type DiffRequest =
  | { type: 'text'; before: string; after: string; ignoreWhitespace: boolean }
  | { type: 'notebook'; before: string; after: string; ignoreWhitespace: boolean }
  | { type: 'table'; before: string; after: string; delimiter: ',' | '\t'; key: string | null }
  | { type: 'renames'; deleted: RenameCandidate[]; added: RenameCandidate[] }
  | { type: 'dir'; before: DirFile[]; after: DirFile[] };

export interface DiffResults {
  text: TextDiff;
  notebook: NotebookDiff;
  table: TableDiff;
  renames: RenamePair[];
  dir: DirDiff;
}

/** Why a diff could not be made, worded for the page (the rest of the page goes on working). */
export interface DiffFailure {
  code: string;
  message: string;
}

export type DiffResponse =
  | { id: number; ok: true; result: DiffResults[DiffRequest['type']] }
  | { id: number; ok: false; error: DiffFailure };
