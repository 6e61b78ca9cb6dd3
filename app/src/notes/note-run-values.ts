/**
 * The live values a note's rendered view shows (`run:ID/metrics.KEY`, `run:ID/params.KEY`),
 * read from the device's run store — MLflow runs from the server's feed and git experiments
 * scanned on this device — and kept current: a Dexie live query on the named runs fires when
 * the store changes (in this tab or another), and while the view is open and online the run
 * feed is pulled every few seconds, so a run still logging moves its value in the note.
 * Loaded only with a rendered note.
 */
import { type Run, unifyRunKeys } from '@cairn/core/runs';
import { liveQuery, type Subscription } from 'dexie';
import { formatCell } from '../experiments/run-columns.ts';
import { experimentsDb, type RunRow } from '../experiments/run-store.ts';
import { pullRunFeed } from '../experiments/server-runs.ts';
import { defaultServer } from '../sync/api.ts';
import { browserSaysOffline } from '../sync/connectivity.ts';
import type { ValueAnswer, ValueRef } from './cairn-links.ts';

/** As often as the experiments page polls the feed. */
const POLL_MS = 3000;

/** A value as the runs table shows it, or what is missing, in words. */
export function answerFor(ref: ValueRef, run: Run | null | undefined): ValueAnswer | null {
  if (run === undefined) return null;
  if (run === null) return { missing: `no run ${ref.run} on this device` };
  if (ref.field === 'params') {
    const v = Object.hasOwn(run.params, ref.key) ? run.params[ref.key] : undefined;
    return v === undefined ? { missing: `no param ${ref.key} on run ${ref.run}` } : { text: v };
  }
  const v = Object.hasOwn(run.metrics, ref.key) ? run.metrics[ref.key] : undefined;
  return v === undefined
    ? { missing: `no metric ${ref.key} on run ${ref.run}` }
    : { text: formatCell(v, { id: `metric:${ref.key}`, kind: 'metric', key: ref.key }) };
}

export interface RunValues {
  /** The value for a reference; null until its run has been read. */
  answer(ref: ValueRef): ValueAnswer | null;
  /** The runs the note names now: reads and watches those not watched yet. */
  want(runIds: readonly string[]): void;
  destroy(): void;
}

/** `onChange` is called whenever a watched run changes (or is first read). */
export function openRunValues(repo: string, onChange: () => void): RunValues {
  const db = experimentsDb();
  const server = defaultServer();
  // Run id → the run with its keys unified (null: not in the store), as last read.
  const runs = new Map<string, Run | null>();
  let watched: string[] = [];
  let subscription: Subscription | null = null;
  let destroyed = false;

  const watch = () => {
    subscription?.unsubscribe();
    const ids = watched;
    subscription = liveQuery(() => db.runs.bulkGet(ids.map((id) => [repo, id] as [string, string]))).subscribe({
      next: (rows: (RunRow | undefined)[]) => {
        if (destroyed) return;
        ids.forEach((id, i) => {
          const row = rows[i];
          runs.set(id, row ? unifyRunKeys(row.run) : null);
        });
        onChange();
      },
      // The store cannot be read (a private window without IndexedDB): every value says so.
      error: () => {
        for (const id of ids) runs.set(id, null);
        onChange();
      },
    });
  };

  let pulling = false;
  const pull = async () => {
    if (destroyed || pulling || watched.length === 0 || browserSaysOffline()) return;
    pulling = true;
    try {
      await pullRunFeed(db, server, repo);
    } catch {
      // Offline or the server is away: the values stay as the store has them.
    } finally {
      pulling = false;
    }
  };
  const timer = setInterval(() => void pull(), POLL_MS);

  return {
    answer: (ref) => answerFor(ref, runs.get(ref.run)),
    want(runIds) {
      const fresh = runIds.filter((id) => !watched.includes(id));
      if (fresh.length === 0 || destroyed) return;
      watched = [...watched, ...fresh];
      watch();
      void pull();
    },
    destroy() {
      destroyed = true;
      clearInterval(timer);
      subscription?.unsubscribe();
    },
  };
}
