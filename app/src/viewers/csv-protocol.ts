/** Messages between the table viewer and its CSV worker (csv.worker.ts). */
import type { CsvRowError } from './csv-parse.ts';

export type CsvRequest =
  | { type: 'open'; file: Blob; delimiter: ',' | '\t' }
  | { type: 'rows'; id: number; start: number; end: number };

export type CsvResponse =
  | { type: 'header'; header: string[] }
  | { type: 'progress'; rows: number; bytes: number }
  | { type: 'done'; rows: number; bytes: number; errors: CsvRowError[]; errorCount: number }
  | { type: 'rows'; id: number; start: number; rows: string[][] }
  | { type: 'error'; message: string };
