/**
 * What the harness page (main.tsx) exposes on `window` and the bench (experiments-browser.bench.ts)
 * calls: one declaration for both sides, in a .ts file since the root project has no JSX.
 */

/** Filters the bench alternates between; the harness's pure baseline uses the first. */
export const FILTERS = [
  "metrics.m3 > 1.5 AND params.p0 IN ('adam', 'sgd')",
  "metrics.m3 > 2.5 AND params.p0 IN ('adam', 'sgd')",
];

export interface Timing {
  /** Until the change is in the DOM (or the canvas reports it drew). */
  domMs: number;
  /** Until the frame showing it has been painted. */
  frameMs: number;
  /** The synchronous part: the event handler or mount, script only. */
  scriptMs: number;
  /** Longest main-thread task meanwhile (0 when none passed 50 ms). */
  longestTaskMs: number;
  note: string;
}

/** A first sync: `frameMs` until every run is in the table, `storedMs` until every page is stored. */
export interface FirstSyncTiming extends Timing {
  storedMs: number;
}

declare global {
  interface Window {
    benchSeed(n: number, params: number, metrics: number): Promise<number>;
    benchRunsInMemory(n: number, params: number, metrics: number): void;
    benchOpenPage(allColumns: boolean): Promise<Timing>;
    benchOpenPageFull(allColumns: boolean): Promise<Timing>;
    benchClosePage(): Promise<void>;
    benchSnapshotState(): Promise<string>;
    benchStoreRead(): Promise<Timing>;
    benchStorePaged(): Promise<Timing>;
    benchSort(colId: string): Promise<Timing>;
    benchFilter(text: string): Promise<Timing>;
    benchPure(): { sortMs: number; arraySortMs: number; filterMs: number; plainFilterMs: number };
    benchTableInMemory(): Promise<Timing>;
    benchSortInMemory(): Promise<Timing>;
    benchPcTable(): Promise<Timing>;
    benchPcBrush(): Promise<Timing>;
    benchPcMainThread(n: number): Promise<Timing>;
    benchPcPlain(n: number): Promise<Timing>;
    benchHistory(runs: number, steps: number, metric: number): Promise<Timing>;
    benchHistoryPlain(runs: number, steps: number): Promise<Timing>;
    benchUnmount(): void;
    benchReleaseSeed(keep: number): void;
    benchSeedCompare(runs: number, steps: number): Promise<string>;
    benchCompare(runs: number): Promise<Timing>;
    benchFeedPlain(repo: string): Promise<Timing>;
    benchFirstSync(repo: string, runs: number): Promise<FirstSyncTiming>;
  }
}
