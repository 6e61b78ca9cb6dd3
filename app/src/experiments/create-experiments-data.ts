/**
 * `createExperimentsData(owner, repo)`: the runs of a repository for the Experiments page,
 * reactive — held by the runs table's worker (run-table.worker.ts) as column blocks, never as
 * run objects here. The page gets counts, columns, run ids (for selection) and asks the worker
 * for the shown order and the runs of the rows in view (see createShownRuns). On opening the
 * worker reads the store; then (online) the server's run feed is pulled in the feed worker, each
 * parsed page handed on to the table worker as it is (typed arrays transferred, nothing decoded
 * here), and polled while the view is open — so a run logged meanwhile appears without a
 * reload; and the git worker looks for git experiments in the repository on this device.
 */
import { createSignal, onCleanup } from 'solid-js';
import { defaultServer } from '../sync/api.ts';
import { whenWorkerDies } from '../workers/worker-death.ts';
import { refreshGitExperiments } from './git-experiments-client.ts';
import { pullRunFeedInWorker } from './run-feed-client.ts';
import { experimentsDb } from './run-store.ts';
import type {
  FromTableWorker,
  TableAnswer,
  TableCommand,
  TableInfo,
  TableQuestion,
  ToTableWorker,
} from './run-table-protocol.ts';
import { SlotIds } from './slot-ids.ts';

const POLL_MS = 3000;

const EMPTY: TableInfo = {
  session: 0,
  epoch: 0,
  generation: 0,
  count: 0,
  slotCount: 0,
  git: 0,
  metricsOutsideGit: false,
  columns: [],
  loaded: false,
  reading: null,
};

export type Answer<T extends TableAnswer['type']> = Extract<TableAnswer, { type: T }>;

export interface ExperimentsData {
  /** What the worker holds: counts, columns, whether read (see TableInfo). */
  info: () => TableInfo;
  /** The run id of a slot (kept here for selection: strings, not runs). */
  idOf: (slot: number) => string | undefined;
  ask: <T extends TableAnswer['type']>(question: TableQuestion & { type: T }) => Promise<Answer<T>>;
  /** What the last feed pull and git scan said, in words (null when fine). */
  feedNote: () => string | null;
  gitNote: () => string | null;
  syncedAt: () => number | null;
  server: string;
}

/**
 * One runs table worker per tab, kept between visits: it finishes writing a snapshot after the
 * page is left (the next visit is what it is for) and the next visit does not wait for it to start.
 * It talks to the page on screen (`listener`).
 */
let shared: Worker | null = null;
let listener: { message: (m: FromTableWorker) => void; died: (message: string) => void } | null = null;
let sessions = 0;
/** Question ids, unique across visits (an answer to a visit left is dropped). */
let nextAsk = 1;

function tableWorker(): Worker {
  if (shared) return shared;
  const w = new Worker(new URL('./run-table.worker.ts', import.meta.url), { type: 'module', name: 'cairn-runs-table' });
  w.onmessage = (e: MessageEvent<FromTableWorker>) => listener?.message(e.data);
  whenWorkerDies(w, (message) => {
    if (shared === w) shared = null;
    listener?.died(message);
  });
  shared = w;
  return w;
}

/** While a sync's pages are stored (they show in the table already): how far, and why it matters. */
const savingNote = (stored: number, pulled: number) =>
  `Saving the synced runs on this device for offline use: ${stored.toLocaleString('en')} of ${pulled.toLocaleString('en')}…`;

export function createExperimentsData(owner: string, repo: string, opts: { git?: boolean } = {}): ExperimentsData {
  const id = `${owner}/${repo}`;
  const db = experimentsDb();
  const server = defaultServer();
  const [info, setInfo] = createSignal<TableInfo>(EMPTY);
  const [feedNote, setFeedNote] = createSignal<string | null>(null);
  const [gitNote, setGitNote] = createSignal<string | null>(null);
  const [syncedAt, setSyncedAt] = createSignal<number | null>(null);
  let disposed = false;
  const ids = new SlotIds();
  let idsEpoch = -1;

  const session = ++sessions;
  const worker = tableWorker();
  const waiting = new Map<number, { resolve: (a: TableAnswer) => void; reject: (e: Error) => void }>();
  listener = {
    message: (m) => {
      if (m.type === 'changed') {
        // Until the worker has read this visit's runs, what it says is about another's.
        if (m.info.session !== session) return;
        if (m.info.epoch !== idsEpoch) {
          ids.clear();
          idsEpoch = m.info.epoch;
        }
        ids.add(m.idsFrom, m.ids);
        setInfo(m.info);
        return;
      }
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.type === 'answer') w?.resolve(m.answer);
      else w?.reject(new Error(m.message));
    },
    died: (message) => {
      for (const w of waiting.values()) w.reject(new Error(`the runs table's worker stopped: ${message}`));
      waiting.clear();
      if (!disposed)
        setFeedNote(`The runs could not be read: the runs table's worker stopped (${message}). Reload the page.`);
    },
  };
  const mine = listener;
  const send = (c: TableCommand, transfer: Transferable[] = []) => {
    if (!disposed) worker.postMessage(c satisfies ToTableWorker, { transfer });
  };
  const ask: ExperimentsData['ask'] = (question) =>
    new Promise((resolve, reject) => {
      if (disposed) return reject(new Error('the page was left'));
      const n = nextAsk++;
      waiting.set(n, { resolve: resolve as (a: TableAnswer) => void, reject });
      worker.postMessage({ type: 'ask', id: n, question } satisfies ToTableWorker);
    });

  let pulling = false;
  const pull = async () => {
    if (disposed || !navigator.onLine) {
      if (!navigator.onLine) setFeedNote('Offline: showing the runs synced before.');
      return;
    }
    // One pull at a time: a first sync takes longer than the poll interval.
    if (pulling) return;
    pulling = true;
    let pulled = 0;
    let stored = 0;
    // Runs of the pages handed over, not yet stored (their stamps come in the same order).
    const unstored: number[] = [];
    let storedRuns = 0;
    // The feed worker hands its pages straight to the table worker (nothing of them comes here).
    const channel = new MessageChannel();
    send({ type: 'feed-port', port: channel.port1 }, [channel.port1]);
    try {
      const done = await pullRunFeedInWorker(
        server,
        id,
        (_block, count, more, remaining) => {
          pulled += count;
          unstored.push(count);
          if (more)
            setFeedNote(
              remaining === null
                ? `Syncing runs from the server: ${pulled.toLocaleString('en')} so far…`
                : `Syncing runs from the server: ${pulled.toLocaleString('en')} of ${(pulled + remaining).toLocaleString('en')} runs synced…`,
            );
          // Every run is in the table; the pages are stored after the last one came.
          else if (pulled > count) setFeedNote(savingNote(storedRuns, pulled));
        },
        (_version, more) => {
          stored++;
          storedRuns += unstored.shift() ?? 0;
          if (!more && stored > 0) setFeedNote(null);
          else if (more) setFeedNote(savingNote(storedRuns, pulled));
        },
        channel.port2,
      );
      if (done === null) throw new Error('this browser has no module workers');
      setFeedNote(null);
      setSyncedAt(Date.now());
    } catch (err) {
      // Also said here: a feed worker that died said nothing more through the port.
      send({ type: 'feed-failed' });
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
      if (n >= 0) send({ type: 'reload' });
    } catch (err) {
      setGitNote(`Git experiments could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  send({ type: 'open', repo: id, session });
  void (async () => {
    await pull();
    if (opts.git !== false && !disposed) void scanGit();
  })();
  const timer = setInterval(() => void pull(), POLL_MS);
  const onOnline = () => void pull();
  globalThis.addEventListener('online', onOnline);
  onCleanup(() => {
    send({ type: 'close' });
    disposed = true;
    clearInterval(timer);
    globalThis.removeEventListener('online', onOnline);
    // The worker stays (for the next visit, and to finish writing the snapshot).
    if (listener === mine) listener = null;
    for (const w of waiting.values()) w.reject(new Error('the page was left'));
    waiting.clear();
  });
  return { info, idOf: (slot) => ids.get(slot), ask, feedNote, gitNote, syncedAt, server };
}
