/**
 * The runs a parallel-coordinates plot draws, and where their columns are read: from the worker
 * that holds them — the runs table's (column blocks, run-table-protocol.ts `plot-columns`) or the
 * compare page's (compare-protocol.ts `columns`) — as typed arrays, so a plot of 100,000 runs never
 * walks run objects on the page.
 */
import type { ColumnSpec, PcColumnData } from './pc-columns.ts';
import type { MetricSummaryKind } from './run-columns.ts';

/** The runs of a plot, held by a worker. */
export interface PcTableRuns {
  /** The slots plotted (the shown runs, in the table's order). */
  slots: Uint32Array;
  /**
   * Reads their columns where the runs are held: `slots` answered are those still held, in the
   * order asked, one cell each in every column; `ms`, the time reading them took there.
   */
  read: (
    slots: Uint32Array,
    specs: ColumnSpec[],
    summary: MetricSummaryKind,
  ) => Promise<{ slots: Uint32Array; columns: PcColumnData[]; ms?: number }>;
  /** The run id of a slot (the brushed selection is told as run ids). */
  idOf: (slot: number) => string | undefined;
}

/** The runs of one frame: how many, and the run id of each (to tell the brushed ones). */
export interface PlottedRuns {
  count: number;
  idAt: (i: number) => string;
}

export const NO_RUNS: PlottedRuns = { count: 0, idAt: () => '' };

export function plottedOfSlots(slots: Uint32Array, idOf: (slot: number) => string | undefined): PlottedRuns {
  return { count: slots.length, idAt: (i) => idOf(slots[i] as number) ?? '' };
}
