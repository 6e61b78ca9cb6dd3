/**
 * The Models tab's offline copy of a repository's MLflow Model Registry: one snapshot row per
 * repository in a Dexie database of its own (registered models, every version, and for each
 * version its artifact listing and MLmodel text), replaced whole by `syncRegistry`. Registries
 * are small (models × versions), so a snapshot over the MLflow REST API
 * (`registered-models/search`, `model-versions/search`, the artifact proxy) is the "registry
 * feed": no server change is needed and every page reads only from here.
 *
 * Writes (register a version, move an alias) go to the server and then re-sync: they need the
 * network, and say so when it is absent.
 */
import Dexie, { type Table } from 'dexie';
import { startTransition } from 'solid-js';
import { browserSaysOffline } from '../sync/connectivity.ts';
import { getCredentials } from '../sync/credentials.ts';

export interface VersionJson {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  current_stage: string;
  description?: string;
  source: string;
  run_id?: string;
  status?: string;
  tags?: { key: string; value: string }[];
  aliases?: string[];
}

export interface ModelJson {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description?: string;
  latest_versions?: VersionJson[];
  tags?: { key: string; value: string }[];
  aliases?: { alias: string; version: string }[];
}

export interface ArtifactFile {
  path: string;
  size: number | null;
}

export interface VersionFiles {
  /** `mlflow-artifacts:/…` where the version's files are. */
  uri: string;
  files: ArtifactFile[];
  mlmodel: string | null;
}

export interface RegistrySnapshot {
  repo: string;
  models: ModelJson[];
  versions: VersionJson[];
  /** `NAME/VERSION` → its files. */
  files: Record<string, VersionFiles>;
  syncedAt: number;
}

type ModelsDb = Dexie & { registry: Table<RegistrySnapshot, string> };
let db: ModelsDb | null = null;
export function modelsDb(): ModelsDb {
  if (!db) {
    db = new Dexie('cairn-models') as ModelsDb;
    db.version(1).stores({ registry: 'repo' });
  }
  return db;
}

export class RegistryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

function repoPath(repo: string): string {
  const [owner, name] = repo.split('/') as [string, string];
  return `${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}

async function headers(server: string): Promise<Record<string, string>> {
  const c = await getCredentials(server);
  return { Accept: 'application/json', ...(c ? { Authorization: `Bearer ${c.token}` } : {}) };
}

/** One MLflow REST call; MLflow's error (code + message) becomes a RegistryError. */
export async function mlflowCall<T>(
  server: string,
  repo: string,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  endpoint: string,
  body: Record<string, unknown> = {},
): Promise<T> {
  const base = `${server}/${repoPath(repo)}.mlflow/api/2.0/mlflow/${endpoint}`;
  const url = method === 'GET' ? `${base}?${new URLSearchParams(body as Record<string, string>)}` : base;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { ...(await headers(server)), ...(method === 'GET' ? {} : { 'Content-Type': 'application/json' }) },
      ...(method === 'GET' ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new RegistryError('offline', 'The server cannot be reached: connect to change the registry.');
  }
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    // fall through with an empty body
  }
  if (!res.ok)
    throw new RegistryError(
      String(json.error_code ?? res.status),
      String(json.message ?? `The server answered ${res.status}.`),
    );
  return json as T;
}

async function artifactFetch(server: string, repo: string, query: string, path = ''): Promise<Response> {
  return fetch(`${server}/${repoPath(repo)}.mlflow/api/2.0/mlflow-artifacts/artifacts${path}${query}`, {
    headers: await headers(server),
  });
}

/** The files under an `mlflow-artifacts:/…` URI, walked folder by folder (at most 500 files). */
async function filesOf(server: string, repo: string, uri: string): Promise<VersionFiles> {
  const root = uri.replace(/^mlflow-artifacts:(\/\/[^/]*)?\//, '').replace(/\/+$/, '');
  const files: ArtifactFile[] = [];
  const walk = async (dir: string, prefix: string) => {
    const res = await artifactFetch(server, repo, `?path=${encodeURIComponent(dir)}`);
    if (!res.ok) return;
    const body = (await res.json()) as { files?: { path: string; is_dir: boolean; file_size?: number }[] };
    for (const f of body.files ?? []) {
      if (files.length >= 500) return;
      const rel = prefix ? `${prefix}/${f.path}` : f.path;
      if (f.is_dir) await walk(`${dir}/${f.path}`, rel);
      else files.push({ path: rel, size: f.file_size ?? null });
    }
  };
  if (uri.startsWith('mlflow-artifacts:')) await walk(root, '');
  let mlmodel: string | null = null;
  if (files.some((f) => f.path === 'MLmodel')) {
    const res = await artifactFetch(server, repo, '', `/${root.split('/').map(encodeURIComponent).join('/')}/MLmodel`);
    if (res.ok) mlmodel = (await res.text()).slice(0, 64 * 1024);
  }
  return { uri, files, mlmodel };
}

/** Replaces the device's snapshot of the repository's registry with the server's. */
export async function syncRegistry(server: string, repo: string): Promise<RegistrySnapshot> {
  const models: ModelJson[] = [];
  let token: string | undefined;
  do {
    const r: { registered_models?: ModelJson[]; next_page_token?: string } = await mlflowCall(
      server,
      repo,
      'GET',
      'registered-models/search',
      { max_results: '1000', ...(token ? { page_token: token } : {}) },
    );
    models.push(...(r.registered_models ?? []));
    token = r.next_page_token;
  } while (token);
  const versions: VersionJson[] = [];
  token = undefined;
  do {
    const r: { model_versions?: VersionJson[]; next_page_token?: string } = await mlflowCall(
      server,
      repo,
      'GET',
      'model-versions/search',
      { max_results: '10000', ...(token ? { page_token: token } : {}) },
    );
    versions.push(...(r.model_versions ?? []));
    token = r.next_page_token;
  } while (token);
  const before = await modelsDb().registry.get(repo);
  const files: Record<string, VersionFiles> = {};
  for (const v of versions) {
    const key = `${v.name}/${v.version}`;
    const { artifact_uri } = await mlflowCall<{ artifact_uri: string }>(
      server,
      repo,
      'GET',
      'model-versions/get-download-uri',
      { name: v.name, version: v.version },
    );
    const known = before?.files[key];
    // A version's files do not change once registered: reuse what was fetched before.
    files[key] = known && known.uri === artifact_uri ? known : await filesOf(server, repo, artifact_uri);
  }
  const snapshot: RegistrySnapshot = { repo, models, versions, files, syncedAt: Date.now() };
  await modelsDb().registry.put(snapshot);
  return snapshot;
}

/** The device's snapshot, refreshed from the server first when online (falls back to the stored one). */
export async function loadRegistry(server: string, repo: string): Promise<RegistrySnapshot | null> {
  if (!browserSaysOffline()) {
    try {
      return await syncRegistry(server, repo);
    } catch {
      // the server is unreachable or refuses: show what this device has
    }
  }
  return (await modelsDb().registry.get(repo)) ?? null;
}

/**
 * Puts the registry as a change made here left it (this device's snapshot) into a page's resource,
 * in a transition: what reads it keeps the page until what depends on it is read again.
 */
export async function reloadRegistryInto(
  repo: string,
  mutate: (next: RegistrySnapshot | null) => unknown,
): Promise<void> {
  const next = (await modelsDb().registry.get(repo)) ?? null;
  await startTransition(() => void mutate(next));
}

export const versionKey = (v: { name: string; version: string }) => `${v.name}/${v.version}`;

export function modelUrl(repo: string, name: string): string {
  return `/${repo}/models/${encodeURIComponent(name)}`;
}
export function versionUrl(repo: string, name: string, version: string | number): string {
  return `${modelUrl(repo, name)}/versions/${version}`;
}
