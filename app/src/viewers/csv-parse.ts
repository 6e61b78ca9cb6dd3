/**
 * Streams a CSV/TSV file through papaparse in chunks and keeps its rows, for the table viewer.
 * Runs inside the CSV worker (csv.worker.ts), so a million-row file is parsed off the main
 * thread; the page asks for the rows it is about to show. Also used as-is by tests and the
 * `csv-open` benchmark.
 */
import { CairnError } from '@cairn/core/errors';
import Papa from 'papaparse';

export interface CsvRowError {
  /** 1-based data row (the header is row 0). */
  row: number;
  message: string;
}

export interface CsvProgress {
  /** Data rows parsed so far (header excluded). */
  rows: number;
  /** Input bytes (or characters, for a string) consumed so far. */
  bytes: number;
}

export interface CsvSummary extends CsvProgress {
  errors: CsvRowError[];
  /** Errors beyond the first MAX_ERRORS are counted but not kept. */
  errorCount: number;
}

const MAX_ERRORS = 20;

/**
 * The rows of one file: the header, then data rows in order. Rows are kept in blocks so that
 * appending a chunk never copies what came before.
 */
export class CsvRowStore {
  header: string[] | null = null;
  private blocks: string[][][] = [];
  private count = 0;

  get rowCount(): number {
    return this.count;
  }

  /** Adds parsed rows; the very first row becomes the header. */
  append(rows: string[][]): void {
    let start = 0;
    if (this.header === null && rows.length > 0) {
      this.header = rows[0] ?? [];
      start = 1;
    }
    const block = start === 0 ? rows : rows.slice(start);
    if (block.length > 0) {
      this.blocks.push(block);
      this.count += block.length;
    }
  }

  /** Data rows `start`…`end` (exclusive), clamped to what is parsed. */
  slice(start: number, end: number): string[][] {
    const out: string[][] = [];
    let offset = 0;
    const to = Math.min(end, this.count);
    for (const block of this.blocks) {
      if (offset + block.length <= start) {
        offset += block.length;
        continue;
      }
      if (offset >= to) break;
      for (let i = Math.max(0, start - offset); i < block.length && offset + i < to; i++)
        out.push(block[i] as string[]);
      offset += block.length;
    }
    return out;
  }
}

export interface StreamCsvOptions {
  /** ',' for CSV, '\t' for TSV; guessed by papaparse when absent. */
  delimiter?: string;
  /** Bytes per chunk: small enough that the first rows show at once. */
  chunkSize?: number;
  onProgress?(progress: CsvProgress): void;
}

/**
 * Parses `input` into `store`, chunk by chunk; resolves with a summary when the file is read.
 * `signal` stops parsing (the promise then resolves with what was read).
 * @example const store = new CsvRowStore(); await streamCsv(file, store, { delimiter: ',' });
 */
export function streamCsv(
  input: Blob | string,
  store: CsvRowStore,
  opts: StreamCsvOptions = {},
  signal?: AbortSignal,
): Promise<CsvSummary> {
  const errors: CsvRowError[] = [];
  let errorCount = 0;
  let bytes = 0;
  return new Promise((resolve, reject) => {
    const summary = (): CsvSummary => ({ rows: store.rowCount, bytes, errors, errorCount });
    Papa.parse<string[]>(input as never, {
      delimiter: opts.delimiter ?? '',
      chunkSize: opts.chunkSize ?? 512 * 1024,
      skipEmptyLines: true,
      chunk(results, parser) {
        const before = store.rowCount + (store.header ? 1 : 0);
        store.append(results.data);
        const note = (row: number, message: string) => {
          errorCount++;
          if (errors.length < MAX_ERRORS) errors.push({ row, message });
        };
        for (const e of results.errors) note(before + (e.row ?? 0), e.message);
        // papaparse checks field counts only in header mode; the table wants to know too.
        const width = store.header?.length ?? 0;
        results.data.forEach((row, i) => {
          const n = before + i;
          if (n > 0 && row.length !== width) note(n, `has ${row.length} fields, the header has ${width}`);
        });
        bytes = results.meta.cursor;
        opts.onProgress?.({ rows: store.rowCount, bytes });
        if (signal?.aborted) {
          parser.abort();
        }
      },
      complete: () => resolve(summary()),
      error: (error: Error) => reject(new CsvParseError(error.message)),
    });
  });
}

export class CsvParseError extends CairnError<'csv_unreadable'> {
  constructor(message: string) {
    super('csv_unreadable', message);
  }
  override readonly name = 'CsvParseError';
}
