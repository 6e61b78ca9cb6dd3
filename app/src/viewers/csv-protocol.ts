/** Messages between the table viewer and its CSV worker (csv.worker.ts). */
import type { CsvRowError } from './csv-parse.ts';
import type { CsvViewSpec } from './csv-view.ts';

export type CsvRequest =
  | { type: 'open'; file: Blob; delimiter: ',' | '\t' }
  /** Rows `start`…`end` of the current view (sorted/filtered, or the file's order). */
  | { type: 'rows'; id: number; start: number; end: number; view: number }
  /** Sorts and filters the parsed rows; later `rows` requests read this view. */
  | { type: 'view'; view: number; spec: CsvViewSpec };

export type CsvResponse =
  | { type: 'header'; header: string[] }
  | { type: 'progress'; rows: number; bytes: number }
  | { type: 'done'; rows: number; bytes: number; errors: CsvRowError[]; errorCount: number }
  /** `numbers`: each row's 1-based number in the file. */
  | { type: 'rows'; id: number; start: number; rows: string[][]; numbers: number[]; view: number }
  | { type: 'view'; view: number; rows: number }
  | { type: 'error'; message: string };
