/** Messages between the parallel-coordinates plot (ParallelCoordinates.tsx) and its worker. */
import type { Brush, PcColorScale, PcLayout } from './parallel-coords.ts';
import type { PcColumnData } from './pc-columns.ts';

export type { PcColumnData };

/** One worker serves every plot of the tab; `plot` says which. */
export type PcRequest =
  /**
   * New runs or columns: the worker rebuilds its axes and colour bins. The columns' typed
   * arrays are transferred (the page keeps none of them).
   */
  | { type: 'data'; plot: number; columns: PcColumnData[]; color: PcColumnData | null; n: number }
  /** The plot is gone: its state is dropped. */
  | { type: 'dispose'; plot: number }
  /** Draw a frame with this layout and these brushes. */
  | {
      type: 'draw';
      plot: number;
      seq: number;
      layout: PcLayout;
      /** Device pixels per CSS pixel. */
      dpr: number;
      textColor: string;
      brushes: Brush[];
      highlight: number | null;
    };

export interface PcFrame {
  type: 'frame';
  plot: number;
  seq: number;
  bitmap: ImageBitmap;
  /** Indices (in the page's run order) of the runs inside every brush; null when none is set. */
  selected: Uint32Array | null;
  /** What the colours mean (for the legend); null when the lines are not coloured by a column. */
  colorScale: PcColorScale | null;
  /** The worker's time for this frame (filtering and drawing). */
  ms: number;
}
