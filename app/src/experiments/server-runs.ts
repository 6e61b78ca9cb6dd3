/**
 * The server side of experiments, as the app reaches it: the run feed (incremental by
 * sequence number, into the offline store) and, through the repository's MLflow endpoint,
 * metric histories and artifact listings. Every call is authenticated with this device's
 * token for the server; offline, callers fall back to what the store holds.
 */
import { type MetricPoint, type Run, runFromWire } from '@cairn/core/runs/index';
import { APP_REQUEST, apiFetch } from '../sync/api.ts';
import { getCredentials } from '../sync/credentials.ts';
import { type ExperimentsDb, historyRowOf, pointsOf, saveFeedPage } from './run-store.ts';

interface FeedPage {
  runs: Run[];
  seq: number;
  next: number | null;
}

function repoPath(repo: string): string {
  const [owner, name] = repo.split('/') as [string, string];
  return `${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}

/** Pulls every run changed since the stored position. Returns how many runs changed. */
export async function pullRunFeed(db: ExperimentsDb, server: string, repo: string): Promise<number> {
  let since = (await db.feeds.get(repo))?.since ?? 0;
  let changed = 0;
  for (;;) {
    const page = await apiFetch<FeedPage>(server, `/repos/${repoPath(repo)}/runs?since=${since}&limit=2000`);
    const runs = page.runs.map(runFromWire);
    await saveFeedPage(db, repo, runs, page.seq);
    changed += runs.length;
    since = page.seq;
    if (page.next === null) return changed;
  }
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
  run: Run,
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
