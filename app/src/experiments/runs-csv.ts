/**
 * CSV export of the runs table. Cells that a spreadsheet would run as a formula (starting with
 * = + - @, or a tab or carriage return) get a leading apostrophe — OWASP's CSV-injection rule —
 * except plain negative numbers, which stay numbers.
 */
import type { Run, RunNotes } from '@cairn/core/runs';
import Papa from 'papaparse';
import { type Column, cellValue, formatCell, type MetricSummaryKind } from './run-columns.ts';

export function columnHeader(col: Column): string {
  return col.kind === 'attr' ? col.key : `${col.kind}s.${col.key}`;
}

export function neutralizeFormula(text: string): string {
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return text;
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function runsToCsv(
  runs: readonly Run[],
  cols: readonly Column[],
  summary: MetricSummaryKind,
  notes?: RunNotes,
): string {
  const rows: string[][] = [cols.map((c) => neutralizeFormula(columnHeader(c)))];
  for (const r of runs) {
    rows.push(
      cols.map((c) => {
        const v = cellValue(r, c, summary, notes);
        return neutralizeFormula(typeof v === 'number' ? String(v) : formatCell(v, c));
      }),
    );
  }
  return Papa.unparse(rows, { newline: '\r\n' });
}
