/**
 * The server side of experiments, as the app reaches it: the run feed (incremental by
 * sequence number, into the offline store) and, through the repository's MLflow endpoint,
 * metric histories and artifact listings. Every call is authenticated with this device's
 * token for the server; offline, callers fall back to what the store holds.
 */
import { type MetricPoint, type Run, runFromWire } from '@cairn/core/runs';
import { APP_REQUEST, apiFetch } from '../sync/api.ts';
import { getCredentials } from '../sync/credentials.ts';
import { columnsOfPoints, type HistoryColumns } from './history-series.ts';
import { type ExperimentsDb, historyRowOf, pointsOf, saveFeedPage } from './run-store.ts';

export interface FeedPage {
  runs: Run[];
  seq: number;
  next: number | null;
  /** Changed runs after this page (servers before it was added send none). */
  remaining?: number;
}

/** A stored feed page as the pull hands it on: `remaining` null when the server did not say. */
export type OnFeedPage = (runs: readonly Run[], more: boolean, version: number, remaining: number | null) => void;

/** A feed page as soon as it is parsed, before it is stored (see pullRunFeedWith). */
export type OnParsedFeedPage = (runs: readonly Run[], more: boolean, remaining: number | null) => void;

function repoPath(repo: string): string {
  const [owner, name] = repo.split('/') as [string, string];
  return `${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}

/**
 * Runs per feed page: the server's most (PROTOCOL.md). Pages are parsed and stored off the
 * main thread (run-feed.worker.ts), so a big page is no long task for the page.
 */
export const FEED_PAGE = 5000;
/** The first page of a pull is small: the server builds it and the table shows it at once. */
export const FIRST_FEED_PAGE = 500;

/** The feed's path for one page (under `/api/v1`). */
export function feedPath(repo: string, since: number, limit = FEED_PAGE): string {
  return `/repos/${repoPath(repo)}/runs?since=${since}&limit=${limit}`;
}

/**
 * Pulls every run changed since the stored position, a page at a time; each page is stored
 * with the new position, in one transaction, and in order, so a pull cut short resumes where
 * it stopped. `onPage` gets each stored page's runs as they arrive — a
 * first sync of 100,000 runs shows them while the rest come — with the store's write stamp
 * after it (see run-store RunStampRow). Returns how many runs changed.
 */
export async function pullRunFeed(
  db: ExperimentsDb,
  server: string,
  repo: string,
  onPage?: OnFeedPage,
): Promise<number> {
  return pullRunFeedWith(db, repo, (since, limit) => apiFetch<FeedPage>(server, feedPath(repo, since, limit)), onPage);
}

/**
 * pullRunFeed with the page fetch given (the feed worker fetches with the token it was handed).
 * The first page is FIRST_FEED_PAGE runs (what the table shows first), the others FEED_PAGE.
 * Pages are fetched one after another (the next asked for as soon as one arrives), then stored
 * one after another, in order, each with its position: storing 5,000 runs in IndexedDB takes
 * longer than fetching them, and at 100,000 runs a pull that waited for each store before the
 * next fetch spent most of its time there, while storing during the fetches slowed them as
 * much. `onParsed` gets each page's runs as soon as they are parsed (a first sync shows them at
 * the speed of the network), `onPage` once they are stored. A failed fetch or store leaves
 * every page before it stored and rejects; no page after a failed store is stored. A pull cut
 * short by closing the tab keeps the pages stored so far only (the next one fetches the rest).
 */
export async function pullRunFeedWith(
  db: ExperimentsDb,
  repo: string,
  fetchPage: (since: number, limit: number) => Promise<FeedPage>,
  onPage?: OnFeedPage,
  onParsed?: OnParsedFeedPage,
): Promise<number> {
  // One pull of a repository at a time (per database): a page left and opened again while its
  // first sync is still storing starts a second pull, which would read the stored position the
  // first has not moved yet and fetch, hand over and store the same pages again.
  const key = `${db.name}\u0000${repo}`;
  const before = pullsInProgress.get(key);
  const mine = (async () => {
    await before?.catch(() => {});
    return pullOnce(db, repo, fetchPage, onPage, onParsed);
  })();
  pullsInProgress.set(key, mine);
  try {
    return await mine;
  } finally {
    if (pullsInProgress.get(key) === mine) pullsInProgress.delete(key);
  }
}

/**
 * Values (params, metrics, tags; as many per run as the page's first has) a pull holds before it
 * starts storing while pages still come: 100,000 runs × 20 held ~360 MB in the feed worker.
 */
const UNSTORED_VALUES = 2_500_000;

/** The pull of each repository running (or last queued), by database name and repository. */
const pullsInProgress = new Map<string, Promise<number>>();

async function pullOnce(
  db: ExperimentsDb,
  repo: string,
  fetchPage: (since: number, limit: number) => Promise<FeedPage>,
  onPage?: OnFeedPage,
  onParsed?: OnParsedFeedPage,
): Promise<number> {
  const since = (await db.feeds.get(repo))?.since ?? 0;
  let changed = 0;
  // Storing starts once the last page is fetched (or a fetch failed), or once the values waiting
  // for it pass UNSTORED_VALUES (they are held as objects meanwhile): writing rows to IndexedDB
  // while pages still come took the CPU their fetch, parse and display needed (at 30,000 runs
  // the table showed every run after 7.4 s against 2.6 s for fetch + parse alone).
  let fetchingEnded!: () => void;
  let storing = new Promise<void>((resolve) => {
    fetchingEnded = resolve;
  });
  let waiting = 0;
  let storeFailed = false;
  try {
    let pending = fetchPage(since, FIRST_FEED_PAGE);
    for (;;) {
      const page = await pending;
      const more = page.next !== null;
      if (page.next !== null) {
        pending = fetchPage(page.next, FEED_PAGE);
        // Awaited on the next turn; until then a failure must not count as unhandled.
        pending.catch(() => {});
      }
      const runs = page.runs.map(runFromWire);
      const remaining = page.remaining ?? null;
      if (runs.length > 0) onParsed?.(runs, more, remaining);
      const first = runs[0];
      if (first)
        waiting +=
          runs.length *
          (Object.keys(first.params).length + Object.keys(first.metrics).length + Object.keys(first.tags).length);
      if (waiting > UNSTORED_VALUES) fetchingEnded();
      storing = storing.then(async () => {
        const version = await saveFeedPage(db, repo, runs, page.seq);
        changed += runs.length;
        if (runs.length > 0) onPage?.(runs, more, version, remaining);
      });
      storing.catch(() => {
        storeFailed = true;
      });
      if (!more || storeFailed) break;
    }
  } catch (err) {
    // The pages fetched before the failure are stored first.
    fetchingEnded();
    await storing.catch(() => {});
    throw err;
  }
  fetchingEnded();
  await storing;
  return changed;
}

async function mlflowFetch<T>(
  server: string,
  repo: string,
  endpoint: string,
  query: Record<string, string>,
): Promise<T> {
  const credentials = await getCredentials(server);
  const headers: Record<string, string> = { Accept: 'application/json', ...APP_REQUEST };
  if (credentials) headers.Authorization = `Bearer ${credentials.token}`;
  const qs = new URLSearchParams(query);
  const res = await fetch(`${server}/${repoPath(repo)}.mlflow/api/2.0/mlflow/${endpoint}?${qs}`, { headers });
  if (!res.ok) throw new Error(`MLflow ${endpoint} answered ${res.status}`);
  return (await res.json()) as T;
}

function num(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number(v);
}

/**
 * A metric's history: from the store when it is there (git experiments always are), else
 * from the server (then stored, so it is there offline next time).
 */
export async function metricHistory(
  db: ExperimentsDb,
  server: string | null,
  repo: string,
  run: Pick<Run, 'id' | 'source'>,
  key: string,
): Promise<MetricPoint[]> {
  const cached = await db.histories.get([repo, run.id, key]);
  if (cached) return pointsOf(cached);
  if (run.source.kind !== 'mlflow' || !server) return [];
  const points: MetricPoint[] = [];
  let pageToken: string | undefined;
  do {
    const r = await mlflowFetch<{
      metrics?: { key: string; value: number | string; timestamp: number | string; step?: number | string }[];
      next_page_token?: string;
    }>(server, repo, 'metrics/get-history', {
      run_id: run.id,
      metric_key: key,
      max_results: '25000',
      ...(pageToken ? { page_token: pageToken } : {}),
    });
    for (const m of r.metrics ?? [])
      points.push({ key, value: num(m.value), timestamp: Number(m.timestamp), step: Number(m.step ?? 0) });
    pageToken = r.next_page_token || undefined;
  } while (pageToken);
  await db.histories.put(historyRowOf(repo, run.id, key, points));
  return points;
}

/**
 * One metric's history for each of `runs`, as columns, got as metricHistory gets one (the store,
 * else the server, then stored). The compare page's chart worker reads the stored histories
 * itself (history-read.ts) and asks this only for the runs the store lacked. A run whose history
 * cannot be had gets an empty one.
 */
export async function metricHistories<R extends Pick<Run, 'id' | 'source'>>(
  db: ExperimentsDb,
  server: string | null,
  repo: string,
  runs: readonly R[],
  key: (run: R) => string,
): Promise<Map<string, HistoryColumns>> {
  const out = new Map<string, HistoryColumns>();
  await Promise.all(
    runs.map(async (run) => {
      const points = await metricHistory(db, server, repo, run, key(run)).catch(() => []);
      out.set(run.id, columnsOfPoints(points));
    }),
  );
  return out;
}

export interface ArtifactEntry {
  path: string;
  isDir: boolean;
  size: number | null;
}

export async function listArtifacts(server: string, repo: string, runId: string, path = ''): Promise<ArtifactEntry[]> {
  const r = await mlflowFetch<{ files?: { path: string; is_dir: boolean; file_size?: number | string }[] }>(
    server,
    repo,
    'artifacts/list',
    { run_id: runId, ...(path ? { path } : {}) },
  );
  return (r.files ?? []).map((f) => ({
    path: f.path,
    isDir: f.is_dir,
    size: f.file_size === undefined ? null : Number(f.file_size),
  }));
}

/** Downloads an artifact with the device's token and hands it to the browser as a file. */
export async function downloadArtifact(server: string, repo: string, artifactUri: string, path: string): Promise<void> {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(artifactUri);
  if (!m) throw new Error(`artifacts at ${artifactUri} are not served by this server`);
  const credentials = await getCredentials(server);
  const res = await fetch(
    `${server}/${repoPath(repo)}.mlflow/api/2.0/mlflow-artifacts/artifacts/${m[1]}/${path.split('/').map(encodeURIComponent).join('/')}`,
    { headers: credentials ? { ...APP_REQUEST, Authorization: `Bearer ${credentials.token}` } : { ...APP_REQUEST } },
  );
  if (!res.ok) throw new Error(`download failed: ${res.status}`);
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = path.split('/').pop() ?? 'artifact';
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
