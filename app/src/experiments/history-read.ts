/**
 * The histories a chart asks for, as the history worker reads them: given ones as they are,
 * stored ones from the store in one bulkGet — in the worker, so a million stored numbers are
 * never deserialised on the page's thread — and kept per chart, so changing the smoothing or
 * the x axis of the same runs reads nothing again.
 */
import type { HistorySource } from './history-protocol.ts';
import { columnsOfPoints, type HistoryColumns } from './history-series.ts';
import type { ExperimentsDb } from './run-store.ts';

/** A chart's histories from its last request, by store key. */
export type HistoryCache = Map<string, HistoryColumns>;

const keyOf = (s: { repo: string; runId: string; key: string }) => `${s.repo}\n${s.runId}\n${s.key}`;

export interface ReadHistories {
  histories: HistoryColumns[];
  /** Indexes of the stored sources the store did not hold (their history is empty). */
  missing: number[];
  /** The cache for the chart's next request: exactly this request's stored histories. */
  cache: HistoryCache;
}

export async function readHistories(
  db: ExperimentsDb,
  sources: readonly HistorySource[],
  cache: HistoryCache,
): Promise<ReadHistories> {
  const histories: HistoryColumns[] = new Array(sources.length);
  const next: HistoryCache = new Map();
  const toRead: number[] = [];
  sources.forEach((s, i) => {
    if ('history' in s) {
      histories[i] = s.history;
      return;
    }
    const hit = cache.get(keyOf(s.stored));
    if (hit) {
      histories[i] = hit;
      next.set(keyOf(s.stored), hit);
    } else toRead.push(i);
  });
  const missing: number[] = [];
  if (toRead.length) {
    const stored = toRead.map((i) => (sources[i] as { stored: { repo: string; runId: string; key: string } }).stored);
    const rows = await db.histories.bulkGet(stored.map((s) => [s.repo, s.runId, s.key] as [string, string, string]));
    toRead.forEach((i, k) => {
      const row = rows[k];
      if (row) {
        const h = { steps: row.steps, timestamps: row.timestamps, values: row.values };
        histories[i] = h;
        next.set(keyOf(stored[k] as (typeof stored)[number]), h);
      } else {
        histories[i] = columnsOfPoints([]);
        missing.push(i);
      }
    });
  }
  return { histories, missing, cache: next };
}
