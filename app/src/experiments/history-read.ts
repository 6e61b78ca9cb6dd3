/**
 * The histories a chart asks for, as the history worker reads them: given ones as they are,
 * stored ones from the store in one bulkGet — in the worker, so a million stored numbers are
 * never deserialised on the page's thread. The last set asked for in one visit of a page is
 * kept (as the reads in flight), so the compare page can start the read before it renders and
 * the chart's request joins it, and changing the smoothing or the x axis of the same runs reads
 * nothing again; another visit reads the store afresh (a sync may have changed it).
 */
import type { HistorySource, StoredKey } from './history-protocol.ts';
import { columnsOfPoints, type HistoryColumns } from './history-series.ts';
import type { ExperimentsDb } from './run-store.ts';

const idOf = (s: StoredKey) => `${s.repo}\n${s.runId}\n${s.key}`;

export class StoredHistoryReader {
  /** The last set asked for: each history, or null where the store has none. */
  private recent = new Map<string, Promise<HistoryColumns | null>>();
  private visit = 0;

  constructor(private readonly db: () => ExperimentsDb) {}

  /**
   * The stored histories of `keys` (null where there is none), reading only what this `visit`
   * of the page has not already asked for.
   */
  read(keys: readonly StoredKey[], visit: number): Promise<(HistoryColumns | null)[]> {
    if (visit !== this.visit) {
      this.visit = visit;
      this.recent = new Map();
    }
    const next = new Map<string, Promise<HistoryColumns | null>>();
    const toRead: StoredKey[] = [];
    for (const k of keys) {
      const id = idOf(k);
      const kept = this.recent.get(id) ?? next.get(id);
      if (kept) next.set(id, kept);
      else {
        toRead.push(k);
        next.set(id, Promise.resolve(null)); // replaced below; marks the key as taken
      }
    }
    if (toRead.length) {
      const rows = this.db().histories.bulkGet(toRead.map((s) => [s.repo, s.runId, s.key] as [string, string, string]));
      toRead.forEach((k, i) => {
        const id = idOf(k);
        const one = rows.then((r) => {
          const row = r[i];
          return row ? { steps: row.steps, timestamps: row.timestamps, values: row.values } : null;
        });
        next.set(id, one);
        // A history not there (yet) or a failed read is not kept: the next ask reads again.
        void one.then(
          (h) => h === null && this.forget(id, one),
          () => this.forget(id, one),
        );
      });
    }
    this.recent = next;
    return Promise.all(keys.map((k) => next.get(idOf(k)) as Promise<HistoryColumns | null>));
  }

  private forget(id: string, p: Promise<HistoryColumns | null>): void {
    if (this.recent.get(id) === p) this.recent.delete(id);
  }
}

export interface ReadHistories {
  histories: HistoryColumns[];
  /** Indexes of the stored sources the store did not hold (their history is empty). */
  missing: number[];
}

/** Every source's history: given ones as they are, stored ones through `reader`. */
export async function readHistories(
  reader: StoredHistoryReader,
  sources: readonly HistorySource[],
  visit: number,
): Promise<ReadHistories> {
  const storedAt: number[] = [];
  const keys: StoredKey[] = [];
  sources.forEach((s, i) => {
    if ('stored' in s) {
      storedAt.push(i);
      keys.push(s.stored);
    }
  });
  // Given histories only (a run's page): nothing to read, and the kept reads stay.
  const read = keys.length ? await reader.read(keys, visit) : [];
  const histories = sources.map((s) => ('history' in s ? s.history : columnsOfPoints([])));
  const missing: number[] = [];
  storedAt.forEach((i, k) => {
    const h = read[k];
    if (h) histories[i] = h;
    else missing.push(i);
  });
  return { histories, missing };
}
