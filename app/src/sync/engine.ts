/**
 * The sync engine: keeps every repository that has a server in step with it. For each one it
 * pulls git (fast-forward or clean merge), pushes data the server lacks, then pushes git —
 * data before pointers, so the server never has a commit whose data it cannot serve.
 * Work done offline is marked pending and synced when the network returns, without the user
 * retrying; a failure that needs the user (sign-in, conflicting changes) is shown, not retried.
 */
import { AuthRequiredError, DivergedError, ServerUnreachableError, WriteRefusedError } from '../git/errors.ts';
import { getDb, type RepoRow } from '../storage/db.ts';
import { openRepo, updateRepo } from '../storage/repo-handle.ts';
import { ApiError, apiFetch } from './api.ts';
import {
  browserSaysOffline,
  isOnline,
  markServerReached,
  markServerUnreachable,
  onConnectivityChange,
  probeServer,
  startConnectivity,
} from './connectivity.ts';
import { announceContentChanged } from './content-changed.ts';
import { getCredentials } from './credentials.ts';
import { pushData } from './data-push.ts';
import { markOnServer, markServerLoss, waitsForUser, whenMissingOnServer } from './server-presence.ts';
import { publishSyncSummary } from './status.ts';

/** Syncs under way in this tab, by repository. */
const running = new Map<string, Promise<void>>();
const queued = new Set<string>();
let progress: number | null = null;
let detail = '';

/**
 * A sync that could not reach the server marks it unreachable (connectivity.ts: shown as
 * offline, since `navigator.onLine` may say true with no network) and tries again with a growing
 * delay until one gets through.
 */
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let retryDelayMs = 2_000;
const MAX_RETRY_DELAY_MS = 30_000;

function serverUnreachable(): void {
  markServerUnreachable();
  if (retryTimer) return;
  retryTimer = setTimeout(() => {
    retryTimer = null;
    void probeServer().then((up) => (up ? requestSync() : serverUnreachable()));
  }, retryDelayMs);
  retryDelayMs = Math.min(retryDelayMs * 2, MAX_RETRY_DELAY_MS);
}

function serverReached(): void {
  markServerReached();
  retryDelayMs = 2_000;
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
}

/** Recomputes the indicator from the repositories' states. */
export async function refreshSummary(): Promise<void> {
  const rows = await getDb().repos.toArray();
  const synced = rows.filter((r) => r.server && !r.cloning);
  const attention = synced.find((r) => r.syncState === 'needs-attention' || r.syncState === 'gone');
  if (!isOnline()) {
    const pending = synced.filter((r) => r.pending).length;
    publishSyncSummary({
      state: 'offline',
      detail: pending ? `${pending} repositor${pending === 1 ? 'y' : 'ies'} with changes to sync` : '',
      progress: null,
    });
  } else if (running.size > 0) {
    publishSyncSummary({ state: 'syncing', detail, progress });
  } else if (attention) {
    publishSyncSummary({
      state: 'needs-attention',
      detail: `${attention.id}: ${attention.syncMessage ?? ''}`,
      progress: null,
    });
  } else if (synced.some((r) => r.pending)) {
    publishSyncSummary({ state: 'pending', detail: 'Changes waiting to sync', progress: null });
  } else {
    publishSyncSummary({ state: 'up-to-date', detail: '', progress: null });
  }
}

/** Marks local work (a commit, added data) as waiting for the server, and syncs when possible. */
export async function markPending(id: string): Promise<void> {
  const row = await getDb().repos.get(id);
  if (!row) return;
  if (waitsForUser(row)) {
    // Gone from the server: the work stays here until the user chooses (its page); no sync.
    await updateRepo(id, { pending: true });
    await refreshSummary();
    return;
  }
  await updateRepo(id, { pending: true, syncState: row.server ? 'pending' : 'local-only' });
  if (row.server) requestSync(id);
  else await refreshSummary();
}

/**
 * Syncs one repository (or every one with a server) as soon as the network allows. A repository
 * gone from the server is left out of the background syncs until the user chooses what to do
 * (its page); asking for it by id ("Sync now") checks the server again.
 */
export function requestSync(id?: string): void {
  void (async () => {
    const rows = id ? [] : (await getDb().repos.toArray()).filter((r) => r.server && !r.cloning);
    for (const r of rows) {
      // A tab closed mid-sync left it "syncing" (or "pending"); no sync of it comes to say otherwise.
      if (waitsForUser(r) && r.syncState !== 'gone' && !running.has(r.id)) {
        await updateRepo(r.id, { syncState: 'gone' });
      }
    }
    const ids = id ? [id] : rows.filter((r) => !waitsForUser(r)).map((r) => r.id);
    for (const each of ids) void syncRepo(each).catch(() => {});
  })();
}

/**
 * Stops this device's syncs of a repository from reaching the server, for as long as it is being
 * deleted there: a sync running meanwhile meets the 404 and must neither create it nor mark it
 * gone (`whenMissingOnServer`). Resolves with a function that reattaches it, for when the delete
 * on the server failed.
 */
export async function detachFromServer(id: string): Promise<() => Promise<void>> {
  const row = await getDb().repos.get(id);
  const server = row?.server ?? null;
  if (row) await updateRepo(id, { server: null });
  return async () => {
    if (server && (await getDb().repos.get(id))) await updateRepo(id, { server });
  };
}

/**
 * Creates, on the server, a repository made on this device that never reached it (made
 * offline). Only its owner can: the server creates `POST /repos` under the signed-in account.
 */
async function createOnServer(row: RepoRow, server: string): Promise<void> {
  const me = await getCredentials(server);
  if (me && me.username.toLowerCase() !== row.owner.toLowerCase()) {
    throw new ApiError(
      403,
      'forbidden',
      `${row.id} was made on this device for ${row.owner}; sign in as ${row.owner} to create it on the server.`,
    );
  }
  await apiFetch(server, '/repos', { method: 'POST', body: JSON.stringify({ name: row.repo, private: false }) }).catch(
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 409) return;
      throw error;
    },
  );
}

/**
 * One full sync of a repository. Resolves when done; the outcome is in the repository's row.
 * One sync of a repository at a time in this tab: asked again while one runs ("Sync now", new
 * work), it runs once more after that one, so two never race to write its state.
 */
export function syncRepo(id: string): Promise<void> {
  const current = running.get(id);
  if (current) {
    queued.add(id);
    return current;
  }
  const job = syncOnce(id).finally(async () => {
    running.delete(id);
    progress = null;
    await refreshSummary();
    if (queued.delete(id)) requestSync(id);
  });
  running.set(id, job);
  // "Sync now" shows at once that it started (the repository's row says so a moment later).
  if (!browserSaysOffline()) publishSyncSummary({ state: 'syncing', detail: `Syncing ${id}`, progress: null });
  return job;
}

/** A sync that starts after any running now (whose outcome may predate the caller's change). */
export async function syncRepoAfterRunning(id: string): Promise<void> {
  for (let current = running.get(id); current; current = running.get(id)) await current.catch(() => {});
  await syncRepo(id);
}

async function syncOnce(id: string): Promise<void> {
  const row = await getDb().repos.get(id);
  if (!row?.server) return;
  const server = row.server;
  // Not `isOnline()`: while the server is only believed unreachable, a sync is how to find out.
  if (browserSaysOffline()) {
    await refreshSummary();
    return;
  }
  detail = `Syncing ${id}`;
  progress = null;
  try {
    await updateRepo(id, { syncState: 'syncing' });
    await refreshSummary();
    const handle = await openRepo(row.owner, row.repo);
    if (!handle) return;
    const { pullRepo, pushRepo, hasUnpushedCommits, headOid } = await import('../git/remote-sync.ts');
    const headBefore = await headOid(handle);
    try {
      await pullRepo(handle, server);
    } catch (error) {
      if ((error as { data?: { statusCode?: number } }).data?.statusCode !== 404) throw error;
      // Created only if it never was on the server: a delete made elsewhere is not undone.
      const outcome = await whenMissingOnServer(id, () => createOnServer(row, server));
      if (outcome === 'detached') await updateRepo(id, { syncState: 'local-only' });
      if (outcome !== 'created') return;
    }
    await markOnServer(id);
    await pushData(server, handle, (p) => {
      progress = p.bytesTotal ? p.bytesDone / p.bytesTotal : null;
      detail = `Uploading data of ${id}: ${p.objectsDone}/${p.objectsTotal}`;
      void refreshSummary();
    });
    if (await hasUnpushedCommits(handle)) await pushRepo(handle, server);
    // A pull (or the merge a push needed) moved the branch: open views of it read it again.
    if ((await headOid(handle)) !== headBefore) announceContentChanged(id);
    serverReached();
    await updateRepo(id, {
      syncState: 'up-to-date',
      syncMessage: null,
      serverLoss: null,
      lastSyncedAt: Date.now(),
      // Work committed while this sync ran is queued and synced next.
      pending: queued.has(id),
    });
  } catch (error) {
    if (error instanceof ServerUnreachableError || browserSaysOffline()) {
      if (error instanceof ServerUnreachableError) serverUnreachable();
      await updateRepo(id, { syncState: 'pending', pending: true, syncMessage: null });
    } else if (error instanceof WriteRefusedError) {
      serverReached();
      await markServerLoss(id, 'no-write');
    } else {
      serverReached();
      const message =
        error instanceof DivergedError || error instanceof AuthRequiredError || error instanceof ApiError
          ? error.message
          : `Sync failed: ${(error as Error).message ?? String(error)}`;
      await updateRepo(id, { syncState: 'needs-attention', syncMessage: message });
    }
  }
}

let started = false;

/** Starts background sync: now, whenever the network returns, and every few minutes. */
export function startSyncEngine(): void {
  if (started) return;
  started = true;
  const all = () => requestSync();
  startConnectivity();
  onConnectivityChange(() => void refreshSummary());
  globalThis.addEventListener?.('online', () => {
    serverReached();
    all();
  });
  globalThis.addEventListener?.('offline', () => void refreshSummary());
  globalThis.addEventListener?.('cairn:repos-changed', () => void refreshSummary());
  setInterval(all, 5 * 60 * 1000);
  void import('../storage/blobs.ts').then(({ getBlobStore }) =>
    getBlobStore()
      .sweep()
      .catch(() => {}),
  );
  all();
  void refreshSummary();
}
