/**
 * Messages between the Experiments page and the runs table's worker (run-table.worker.ts), which
 * holds a repository's runs as column blocks (run-table-model.ts). The page sends what changes
 * the runs (open the store, feed pages as the feed worker parsed them, their stored stamps, a
 * reload after a git scan) and asks questions (`ask`: each answered once by its `id`); the worker
 * tells the page when the runs changed (`changed`). Shown runs travel as slot permutations
 * (Uint32Array, transferred); runs only for the rows in view.
 */
import type { Run, RunBlock, RunNotes } from '@cairn/core/runs';
import type { ColumnSpec, PcColumnData } from './pc-columns.ts';
import type { Column, MetricSummaryKind } from './run-columns.ts';
import type { SlotGroup, TableQuery } from './run-table-model.ts';
import type { PackedIds } from './slot-ids.ts';

export type TableCommand =
  /** Read the repository's runs from the store (its snapshot, else its rows), replacing any held. */
  | { type: 'open'; repo: string; session: number }
  /** Read the store again (a git scan changed runs): the runs held stay until the new ones are read. */
  | { type: 'reload' }
  /** A feed page as parsed (the feed worker's block, its typed arrays transferred on). */
  | { type: 'feed-page'; block: RunBlock; more: boolean }
  /** That page is in the store, at this write stamp. */
  | { type: 'feed-stored'; version: number; more: boolean }
  /** A pull ended (its pages all stored): the runs held may be written as the snapshot. */
  | { type: 'feed-done' }
  /** A pull failed: pages shown but never stored make the runs held no state of the store. */
  | { type: 'feed-failed' }
  /** The page was left: the runs are let go (once a snapshot being written is written). */
  | { type: 'close' }
  /** The feed worker's end of a pull: the feed-* commands of that pull come through it, in order. */
  | { type: 'feed-port'; port: MessagePort };

export type TableQuestion =
  /** The shown runs, and the runs of positions from…to of them (the rows in view). */
  | { type: 'query'; query: TableQuery; from: number; to: number }
  | { type: 'rows'; slots: number[] }
  | { type: 'run'; runId: string }
  | { type: 'groups'; slots: Uint32Array; by: Column; metricCols: Column[]; summary: MetricSummaryKind }
  | { type: 'differing'; slots: Uint32Array; cols: Column[]; summary: MetricSummaryKind; notes?: RunNotes }
  | { type: 'csv'; slots: Uint32Array; cols: Column[]; summary: MetricSummaryKind; notes?: RunNotes }
  /** The parallel-coordinates plot's columns of these slots (ParallelCoordinates.tsx `table`). */
  | { type: 'plot-columns'; slots: Uint32Array; specs: ColumnSpec[]; summary: MetricSummaryKind };

export type TableAnswer =
  | { type: 'query'; order: Uint32Array; total: number; epoch: number; rows: [number, Run][] }
  | { type: 'rows'; epoch: number; rows: [number, Run][] }
  | { type: 'run'; run: Run | null }
  | { type: 'groups'; groups: SlotGroup[] }
  | { type: 'differing'; ids: string[] }
  | { type: 'csv'; text: string }
  /**
   * `slots`: those asked about that are still held (slots of runs held before a reload are
   * dropped), in the order asked; `columns` has one cell per slot of it. Every typed array is
   * transferred: the page hands them on to the plot's worker. `ms`: the worker's time reading them.
   */
  | { type: 'plot-columns'; epoch: number; slots: Uint32Array; columns: PcColumnData[]; ms: number };

export type ToTableWorker = TableCommand | { type: 'ask'; id: number; question: TableQuestion };

/** What the page shows about the runs held (sent after every change). */
export interface TableInfo {
  /** The `open` these runs answer (one worker serves the page's visits one after another). */
  session: number;
  /** Moves when the runs held are replaced (slots start again): rows fetched before are void. */
  epoch: number;
  /** Moves on every change (the page asks for the shown runs again). */
  generation: number;
  count: number;
  slotCount: number;
  git: number;
  metricsOutsideGit: boolean;
  columns: Column[];
  /** Whether the store has been read (or found empty) at least once. */
  loaded: boolean;
  /** While the store is read after the first runs showed: how far. */
  reading: { read: number; total: number | null } | null;
}

export type FromTableWorker =
  /**
   * `ids`: the run ids of slots `idsFrom`… (new since the last message; all of them after a new
   * epoch), packed (slot-ids.ts: a string per run was most of what the page's collections moved).
   */
  | { type: 'changed'; info: TableInfo; idsFrom: number; ids: PackedIds }
  | { type: 'answer'; id: number; answer: TableAnswer }
  | { type: 'failed'; id: number; message: string };
