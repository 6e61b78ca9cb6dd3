/**
 * The shown runs of the Experiments page, as the page holds them: the order the worker answered
 * (slots, filtered and sorted) and a small cache of the runs of the rows in view. Asking again
 * whenever the runs held or the query change (one question at a time; the newest wins), with the
 * rows of the current window in the same answer — so a sort shows its new first rows in the same
 * frame as its new order. Scrolling asks for the rows it lacks.
 */
import { type Run, sameRun } from '@cairn/core/runs';
import { batch, createEffect, createSignal, on } from 'solid-js';
import type { ExperimentsData } from './create-experiments-data.ts';
import type { TableQuery } from './run-table-model.ts';

/** Runs kept beyond the rows in view (a scroll back shows them at once). */
const CACHE_RUNS = 4000;

export interface ShownRuns {
  /** The shown order (null until the first answer). */
  order: () => Uint32Array | null;
  /** How many runs there were when it was answered (the "of N runs"). */
  total: () => number;
  /** The run of a slot when it is here (tracked: the row fills in when it arrives). */
  runAt: (slot: number) => Run | undefined;
  /** The slots now in view (the table says which): those lacking are asked for. */
  setVisible: (slots: readonly number[], first: number, last: number) => void;
}

/**
 * The runs of the rows in view and near, by slot, for one epoch of slots (a new epoch empties it):
 * at most CACHE_RUNS beyond those in view.
 */
export class ShownRowCache {
  epoch = -1;
  private readonly runs = new Map<number, Run>();

  get(slot: number): Run | undefined {
    return this.runs.get(slot);
  }

  has(slot: number): boolean {
    return this.runs.has(slot);
  }

  /** Keeps the runs of an answer (`visible`: the slots in view, kept when the cache is trimmed). */
  keep(answerEpoch: number, rows: readonly [number, Run][], visible: readonly number[]): void {
    if (answerEpoch !== this.epoch) {
      this.runs.clear();
      this.epoch = answerEpoch;
    }
    if (this.runs.size + rows.length > CACHE_RUNS) {
      const inView = new Set(visible);
      for (const slot of this.runs.keys()) if (!inView.has(slot)) this.runs.delete(slot);
    }
    // A run asked again that did not change stays the same object, so its row's cells are not
    // computed and set again: every change to the runs held (a poll, each page of a sync) asks the
    // rows in view anew, and new objects re-ran every cell in view.
    for (const [slot, run] of rows) {
      const had = this.runs.get(slot);
      this.runs.set(slot, had && sameRun(had, run) ? had : run);
    }
  }
}

export function createShownRuns(data: ExperimentsData, query: () => TableQuery): ShownRuns {
  const [order, setOrder] = createSignal<Uint32Array | null>(null);
  const [total, setTotal] = createSignal(0);
  const [tick, setTick] = createSignal(0);
  const cache = new ShownRowCache();
  let window = { first: 0, last: 60 };
  let visible: readonly number[] = [];

  let asking = false;
  let again = false;
  const ask = async () => {
    if (asking) {
      again = true;
      return;
    }
    asking = true;
    try {
      do {
        again = false;
        const a = await data.ask({ type: 'query', query: query(), from: window.first, to: window.last });
        cache.keep(a.epoch, a.rows, visible);
        batch(() => {
          setOrder(a.order);
          setTotal(a.total);
          setTick((t) => t + 1);
        });
      } while (again);
    } catch {
      // The page was left (or the worker stopped, which the page says).
    } finally {
      asking = false;
    }
  };
  createEffect(on([() => data.info().generation, query], () => void ask()));

  let fetching = false;
  let refetch = false;
  const fetchMissing = async () => {
    if (fetching) {
      refetch = true;
      return;
    }
    fetching = true;
    try {
      do {
        refetch = false;
        const missing = visible.filter((s) => !cache.has(s));
        if (missing.length === 0) break;
        const a = await data.ask({ type: 'rows', slots: missing });
        if (a.epoch === cache.epoch) {
          cache.keep(a.epoch, a.rows, visible);
          setTick((t) => t + 1);
        }
      } while (refetch);
    } catch {
      // As above.
    } finally {
      fetching = false;
    }
  };

  return {
    order,
    total,
    runAt: (slot) => {
      tick();
      return cache.get(slot);
    },
    setVisible: (slots, first, last) => {
      visible = slots;
      window = { first, last };
      if (slots.some((s) => !cache.has(s))) void fetchMissing();
    },
  };
}
