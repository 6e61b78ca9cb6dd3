/**
 * `createExperimentsData(repo)`: the runs of a repository for the experiments views, reactive.
 * It shows what the offline store holds at once, then (online) pulls the server's run feed and
 * keeps polling it while the view is open — so a run logged meanwhile appears without a
 * reload — and asks the worker for git experiments from the repository on this device.
 */
import { createSignal, onCleanup } from 'solid-js';
import { defaultServer } from '../sync/api.ts';
import { refreshGitExperiments } from './git-experiments-client.ts';
import { experimentsDb, type RunRow, readRunsInPages } from './run-store.ts';
import { pullRunFeed } from './server-runs.ts';

const POLL_MS = 3000;

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

  // The store is read in pages (see readRunsInPages): on opening, the first page shows at
  // once and the rest follows in one update when read; a later reload (the feed or a scan
  // changed runs) keeps the current rows until the new full list is read. A reload asked for
  // while one is reading runs once more after it (never aborting it: with runs logged every
  // few seconds, a read restarted each time might never finish). Leaving stops the read.
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
          { signal: stopReading.signal },
        );
        if (disposed) return;
        setRows(r);
        setLoaded(true);
        setReading(null);
        partial = false;
      } while (again);
    } finally {
      readingNow = false;
    }
  };

  const pull = async () => {
    if (disposed || !navigator.onLine) {
      if (!navigator.onLine) setFeedNote('Offline: showing the runs synced before.');
      return;
    }
    try {
      const changed = await pullRunFeed(db, server, id);
      setFeedNote(null);
      setSyncedAt(Date.now());
      if (changed > 0) await reload();
    } catch (err) {
      setFeedNote(`Could not reach the run feed: ${err instanceof Error ? err.message : String(err)}`);
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
