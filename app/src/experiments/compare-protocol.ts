/**
 * Messages between the compare page and its worker (compare.worker.ts), which reads the compared
 * runs from the store and keeps them as a CompareSet (compare-set.ts): the page gets what it
 * draws — a summary, the ranking and the table's runs, typed columns for the charts — and no
 * run object beyond the table's few. Each request carries an `id`, answered once.
 */
import type { CompareSummary, CompareView } from './compare-set.ts';
import type { ColumnSpec, PcColumnData } from './pc-columns.ts';
import type { MetricSummaryKind } from './run-columns.ts';

/** What a view of a set asks: the charted metric (null: the default), the brushed runs, the table's size. */
export interface ViewAsk {
  metric: string | null;
  /** Positions of the runs inside the brushes; null: no brush. */
  brushed: number[] | null;
  tableRuns: number;
}

export type CompareRequest =
  /** Read these runs of the repository and keep them as set `set` (its first view answered too). */
  | { type: 'open'; id: number; set: number; repo: string; ids: string[]; view: ViewAsk }
  | { type: 'view'; id: number; set: number; view: ViewAsk }
  /** Columns of the runs at `slots` (positions in the summary's runs). */
  | { type: 'columns'; id: number; set: number; slots: Uint32Array; specs: ColumnSpec[]; summary: MetricSummaryKind }
  /** The page is done with the set. */
  | { type: 'close'; id: number; set: number };

export type CompareResponse =
  /** `readMs`: reading the runs from the store; `shapeMs`: the summary and first view of them. */
  | { type: 'opened'; id: number; summary: CompareSummary; view: CompareView; readMs: number; shapeMs: number }
  | { type: 'view'; id: number; view: CompareView }
  /** `slots`: those asked that the set holds; `ms`: the worker's time reading the columns. Buffers are transferred. */
  | { type: 'columns'; id: number; slots: Uint32Array; columns: PcColumnData[]; ms: number }
  | { type: 'closed'; id: number }
  | { type: 'failed'; id: number; message: string };
