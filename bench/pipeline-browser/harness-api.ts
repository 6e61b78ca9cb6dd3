/**
 * What the harness page (main.tsx) exposes on `window` and pipeline.bench.ts calls: one
 * declaration for both sides, in a .ts file since the root project has no JSX.
 */

export interface Timing {
  /** From the call until the graph is drawn and a frame has been painted. */
  frameMs: number;
  /** Longest main-thread task meanwhile (0 when none passed 50 ms, Chromium's threshold). */
  longestTaskMs: number;
  note: string;
}

/** `expanded`: every stage its own node; `grouped`: the matrix drawn as one node (the default). */
export type Grouping = 'expanded' | 'grouped';

declare global {
  interface Window {
    /** Loads (core) a pipeline of a `matrix` stage with `stages` stages; returns the stage count. */
    benchPrepare(stages: number): Promise<number>;
    /** The app's PipelineGraph: view → layout in the worker → cytoscape `preset` → painted. */
    benchGraph(grouping: Grouping, mode: 'stages' | 'both'): Promise<Timing>;
    /** The first pass's way: cytoscape-dagre on the main thread. */
    benchMainThreadDagre(grouping: Grouping, mode: 'stages' | 'both'): Promise<Timing>;
    /** Baseline: cytoscape draws the same elements at precomputed grid positions (no layout). */
    benchPreset(grouping: Grouping, mode: 'stages' | 'both'): Promise<Timing>;
    /** A tap on a node after drawing: until the selection shows (the graph is interactive). */
    benchTap(): Promise<Timing>;
  }
}
