/**
 * `createExperimentsData(repo)`: the runs of a repository for the experiments views, reactive.
 * It shows what the offline store holds at once, then (online) pulls the server's run feed and
 * keeps polling it while the view is open — so a run logged meanwhile appears without a
 * reload — and asks the worker for git experiments from the repository on this device.
 * Feed pages are merged into the rows as they are stored (no re-read of the whole store).
 */
import { decodeRunBlock, type Run, type RunBlock } from '@cairn/core/runs';
import { createSignal, onCleanup } from 'solid-js';
import { defaultServer } from '../sync/api.ts';
import { refreshGitExperiments } from './git-experiments-client.ts';
import { pullRunFeedInWorker } from './run-feed-client.ts';
import { BLOCK_RUNS, experimentsDb, type RunRow, readRunBlocks, readRunsInPages, saveRunBlocks } from './run-store.ts';
import { pullRunFeed } from './server-runs.ts';

const POLL_MS = 3000;
/** Repositories whose columnar snapshot is being written (by any view). */
const snapshotting = new Set<string>();
const PUBLISH_MS = 400;
/** Runs of a feed page decoded per task (each a few milliseconds). */
const DECODE_SLICE = 500;

const nextTask = () =>
  new Promise<void>((resolve) => {
    const c = new MessageChannel();
    c.port1.onmessage = () => resolve();
    c.port2.postMessage(0);
  });

export interface ExperimentsData {
  rows: () => RunRow[];
  loaded: () => boolean;
  /** While the store is still being read after the first rows showed: how far (else null). */
  reading: () => { read: number; total: number | null } | null;
  /** What the last feed pull and git scan said, in words (null when fine). */
  feedNote: () => string | null;
  gitNote: () => string | null;
  syncedAt: () => number | null;
  server: string;
}

export function createExperimentsData(owner: string, repo: string, opts: { git?: boolean } = {}): ExperimentsData {
  const id = `${owner}/${repo}`;
  const db = experimentsDb();
  const server = defaultServer();
  const [rows, setRows] = createSignal<RunRow[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [reading, setReading] = createSignal<{ read: number; total: number | null } | null>(null);
  const [feedNote, setFeedNote] = createSignal<string | null>(null);
  const [gitNote, setGitNote] = createSignal<string | null>(null);
  const [syncedAt, setSyncedAt] = createSignal<number | null>(null);
  let disposed = false;

  // What the shown rows are: the store's rows at write stamp `rowsVersion` (null: unknown, as
  // after a pull that raced another write), and whether their order is the stored snapshot's
  // (then `dirty` holds the snapshot blocks whose runs changed since; else all are).
  let rowsVersion: number | null = null;
  let snapshotOrder = false;
  const dirty = new Set<number>();
  let snapshotAgain = false;
  // The snapshot is written after the rows settle (off the first frame's path), one at a time
  // per repository, and finished even when the view closes meanwhile (closing it right after
  // the rows were read is the usual case, and the next visit is what the snapshot is for).
  const saveSnapshot = async (): Promise<void> => {
    if (snapshotting.has(id)) {
      snapshotAgain = true;
      return;
    }
    snapshotting.add(id);
    try {
      do {
        snapshotAgain = false;
        const version = rowsVersion;
        if (version === null) return;
        const list = rows();
        const which = snapshotOrder ? new Set(dirty) : 'all';
        const saved = await saveRunBlocks(db, id, version, list, which);
        // Marks are cleared only if no page came meanwhile (it may have marked these blocks again).
        if (saved && rows() === list && rowsVersion === version) {
          snapshotOrder = true;
          if (which !== 'all') for (const p of which) dirty.delete(p);
          else dirty.clear();
        }
      } while (snapshotAgain && !disposed);
    } catch {
      // A snapshot is an optimisation: without one the rows are read (and it is tried again).
    } finally {
      snapshotting.delete(id);
    }
  };
  const snapshotSoon = () => setTimeout(() => void saveSnapshot(), 250);

  // On opening, the columnar snapshot is read (its first runs shown at once, the rest
  // decoded a slice per task); without a valid one the store is read in pages (see
  // readRunsInPages): the first page shows at once and the rest follows in one update when
  // read, and a snapshot is made from them. A later reload (a scan changed runs) keeps the
  // current rows until the new full list is read. A reload asked for while one is reading
  // runs once more after it (never aborting it: with runs logged every few seconds, a read
  // restarted each time might never finish). Leaving stops the read.
  let readingNow = false;
  let again = false;
  let partial = false;
  const stopReading = new AbortController();
  const reload = async (): Promise<void> => {
    if (readingNow) {
      again = true;
      return;
    }
    readingNow = true;
    try {
      do {
        again = false;
        const snap = await readRunBlocks(db, id, {
          signal: stopReading.signal,
          onFirst: (first) => {
            if (disposed || loaded()) return;
            setRows(first);
            setLoaded(true);
            partial = true;
            setReading({ read: first.length, total: null });
          },
        });
        if (disposed) return;
        if (snap) {
          setRows(snap.rows);
          rowsVersion = snap.version;
          snapshotOrder = true;
          dirty.clear();
        } else {
          let version = 0;
          const r = await readRunsInPages(
            db,
            id,
            (sofar, total, done) => {
              if (disposed || done) return;
              if (!loaded()) {
                setRows(sofar.slice());
                setLoaded(true);
                partial = true;
              }
              // Progress is news only while the table shows part of the runs.
              if (partial) setReading({ read: sofar.length, total });
            },
            {
              signal: stopReading.signal,
              onVersion: (v) => {
                version = v;
              },
            },
          );
          if (disposed) return;
          setRows(r);
          rowsVersion = version;
          snapshotOrder = false;
          if (r.length > 0) snapshotSoon();
        }
        setLoaded(true);
        setReading(null);
        partial = false;
      } while (again);
    } finally {
      readingNow = false;
    }
  };

  // Feed pages as they are parsed: merged into the rows shown (by id), so a first sync of
  // 100,000 runs shows runs from its first page on instead of nothing until the end, at the
  // speed of the network (they are stored behind, see storedPage). The table is updated at
  // most every PUBLISH_MS (2 s at 100,000 runs) while pages come (each update re-sorts and
  // re-filters every run), and always after the last page.
  let merged: RunRow[] | null = null;
  let positions: Map<string, number> | null = null;
  let publishedAt = 0;
  let appended = false;
  let pulledNow = 0;
  // Pages shown but not yet stored (their run counts, in order), and the write stamp the shown
  // rows will equal once they are: the rows have a known stamp only when none is unstored.
  const unstored: number[] = [];
  let storedNow = 0;
  let chain: number | null = null;
  const mergePage = (runs: readonly Run[], more: boolean, remaining: number | null = null) => {
    if (disposed) return;
    pulledNow += runs.length;
    // A read of the store in progress ends with rows from before this page: read once more.
    if (readingNow) again = true;
    if (unstored.length === 0) chain = rowsVersion;
    unstored.push(runs.length);
    rowsVersion = null;
    if (!merged) {
      merged = rows().slice();
      positions = new Map(merged.map((r, i) => [r.id, i]));
    }
    let list = merged;
    const at = positions as Map<string, number>;
    for (const run of runs) {
      const row: RunRow = { repo: id, id: run.id, origin: 'mlflow', run };
      const i = at.get(run.id);
      if (i === undefined) {
        at.set(run.id, list.length);
        dirty.add(Math.floor(list.length / BLOCK_RUNS));
        list.push(row);
        appended = true;
      } else {
        list[i] = row;
        dirty.add(Math.floor(i / BLOCK_RUNS));
      }
    }
    // The last page puts the rows in the store's order (by id), as a read of the store would:
    // runs that tie in a sort keep their places when the store is read again later.
    if (!more && appended) {
      list = list.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      snapshotOrder = false;
    }
    const now = performance.now();
    // Each update costs the page a sort and a filter of every run: fewer as the list grows.
    if (!more || now - publishedAt >= Math.max(PUBLISH_MS, list.length / 50)) {
      publishedAt = now;
      setRows(list.slice());
      setLoaded(true);
    }
    if (more)
      setFeedNote(
        remaining === null
          ? `Syncing runs from the server: ${list.length.toLocaleString('en')} on this device so far…`
          : `Syncing runs from the server: ${pulledNow.toLocaleString('en')} of ${(pulledNow + remaining).toLocaleString('en')} runs synced…`,
      );
    if (!more) {
      merged = null;
      positions = null;
      appended = false;
    }
  };

  // A shown page is in the store: the rows stay the store's at a known stamp only if each page
  // was the one write since the one before; after the last, they make the snapshot.
  const storedPage = (version: number, more: boolean) => {
    if (disposed) return;
    chain = !readingNow && chain !== null && version === chain + 1 ? version : null;
    storedNow += unstored.shift() ?? 0;
    if (unstored.length > 0) {
      if (merged === null)
        setFeedNote(
          `Saving the synced runs on this device: ${storedNow.toLocaleString('en')} of ${pulledNow.toLocaleString('en')} saved…`,
        );
      return;
    }
    rowsVersion = chain;
    if (!more && rowsVersion !== null) snapshotSoon();
  };

  // A page from the feed worker: its runs decoded a slice per task, then merged as above.
  const mergeBlock = async (block: RunBlock, more: boolean, remaining: number | null): Promise<void> => {
    const runs: Run[] = [];
    for (let from = 0; from < block.count && !disposed; from += DECODE_SLICE) {
      for (const { run } of decodeRunBlock(block, from, Math.min(block.count, from + DECODE_SLICE))) runs.push(run);
      await nextTask();
    }
    if (!disposed) mergePage(runs, more, remaining);
  };

  let pulling = false;
  const pull = async () => {
    if (disposed || !navigator.onLine) {
      if (!navigator.onLine) setFeedNote('Offline: showing the runs synced before.');
      return;
    }
    // One pull at a time: a first sync takes longer than the poll interval.
    if (pulling) return;
    pulling = true;
    // Pages are merged in the order they came, each after the one before.
    let merging = Promise.resolve();
    try {
      // Parsed and stored in a worker; in the page where there are no workers.
      pulledNow = 0;
      storedNow = 0;
      const inWorker = await pullRunFeedInWorker(
        server,
        id,
        (block, more, remaining) => {
          merging = merging.then(() => mergeBlock(block, more, remaining));
        },
        (version, more) => {
          merging = merging.then(() => storedPage(version, more));
        },
      );
      if (inWorker === null)
        await pullRunFeed(db, server, id, (runs, more, version, remaining) => {
          mergePage(runs, more, remaining);
          storedPage(version, more);
        });
      await merging;
      setFeedNote(null);
      setSyncedAt(Date.now());
    } catch (err) {
      await merging.catch(() => {});
      // Pages shown but never stored: the rows are no state of the store (no snapshot of them).
      unstored.length = 0;
      if (merged) {
        setRows(merged.slice());
        merged = null;
        positions = null;
        appended = false;
        snapshotOrder = false;
      }
      setFeedNote(`Could not reach the run feed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      pulling = false;
    }
  };

  const scanGit = async () => {
    try {
      const { getRepoRow } = await import('../storage/repo-handle.ts');
      let row = await getRepoRow(owner, repo);
      if (!row && navigator.onLine) {
        // Opened by URL on a device that has not cloned the repository yet: clone it here, as the
        // file views do, rather than sending the person elsewhere first.
        const { openRepoSession } = await import('../files/repo-session.ts');
        setGitNote('Cloning the repository to read its git experiments…');
        await openRepoSession(owner, repo, (p) =>
          setGitNote(
            `Cloning the repository to read its git experiments: ${p.phase} ${p.loaded}${p.total ? ` of ${p.total}` : ''}…`,
          ),
        );
        if (disposed) return;
        row = await getRepoRow(owner, repo);
      }
      if (!row) {
        setGitNote(
          'This repository is not on this device yet, and this device is offline: connect and reload to clone it, then its git experiments appear.',
        );
        return;
      }
      setGitNote('Reading git experiments…');
      const n = await refreshGitExperiments(db, id, row.fsName, '/');
      setGitNote(null);
      if (n >= 0) await reload();
    } catch (err) {
      setGitNote(`Git experiments could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  void (async () => {
    await reload();
    await pull();
    if (opts.git !== false) void scanGit();
  })();
  const timer = setInterval(() => void pull(), POLL_MS);
  const onOnline = () => void pull();
  globalThis.addEventListener('online', onOnline);
  onCleanup(() => {
    disposed = true;
    stopReading.abort();
    clearInterval(timer);
    globalThis.removeEventListener('online', onOnline);
  });
  return { rows, loaded, reading, feedNote, gitNote, syncedAt, server };
}
