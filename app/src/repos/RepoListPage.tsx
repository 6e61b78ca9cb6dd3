import { A, useNavigate } from '@solidjs/router';
import { createResource, createSignal, For, onCleanup, Show, startTransition } from 'solid-js';
import { formatBytes, requestPersistence, storageStatus } from '../storage/persistence.ts';
import { listLocalRepos, openRepo, type RepoRow, repoUsage } from '../storage/repo-handle.ts';
import { defaultServer } from '../sync/api.ts';
import { getCredentials } from '../sync/credentials.ts';
import { cloneFromServer, createRepo, deleteLocalCopy, importFromUrl } from './actions.ts';
import { type CloneAdvice, cloneAdvice, serverHistoryBytes } from './clone-size.ts';
import { ServerRepoList } from './ServerRepoList.tsx';
import './repos.css';

const STATE_LABEL: Record<RepoRow['syncState'], string> = {
  'local-only': 'On this device only',
  'up-to-date': 'Up to date',
  pending: 'Waiting to sync',
  syncing: 'Syncing…',
  'needs-attention': 'Needs attention',
  gone: 'Gone from the server',
};

function errorText(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}

/** Bytes this repository's git files take on this device. */
function RepoUsage(props: { row: RepoRow }) {
  const [bytes] = createResource(
    () => props.row,
    async (row) => {
      const handle = await openRepo(row.owner, row.repo);
      return handle ? repoUsage(handle) : null;
    },
  );
  return (
    <span class="muted" data-testid="repo-usage" title="Git files of this repository on this device">
      {bytes() != null ? formatBytes(bytes() ?? 0) : ''}
    </span>
  );
}

/** The start page: repositories on this device with their sync state, and ways to get more. */
export default function RepoListPage() {
  const navigate = useNavigate();
  const [repos, { refetch }] = createResource(listLocalRepos);
  const [account] = createResource(() => getCredentials(defaultServer()));
  const [storage, { refetch: refetchStorage }] = createResource(async () => {
    const persisted = await requestPersistence();
    const status = await storageStatus();
    const { getBlobStore } = await import('../storage/blobs.ts');
    const data = await getBlobStore().usage();
    return { ...status, persisted: status.persisted ?? persisted, data };
  });
  // A sync or clone changed the list: read again in a transition, so the list stays until the new
  // one is there (outside one, reading the list while it loads again suspends the Layout's
  // boundary, which took the whole page away, four times in one sync).
  const changed = () => {
    void startTransition(() => {
      void refetch();
      void refetchStorage();
    });
  };
  window.addEventListener('cairn:repos-changed', changed);
  onCleanup(() => window.removeEventListener('cairn:repos-changed', changed));

  const [busy, setBusy] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  /** Runs an action; when it yields a repository, opens it. */
  const run = async (label: string, action: () => Promise<unknown>) => {
    setError(null);
    setBusy(label);
    try {
      const result = await action();
      const opened = result as { owner?: string; repo?: string } | undefined;
      // Leaving the page: refetching its list and storage figures first would hold the
      // navigation (the router waits for resources read during its transition).
      if (opened?.owner && opened.repo) navigate(`/${opened.owner}/${opened.repo}`);
      else changed();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  let newName!: HTMLInputElement;
  let newDescription!: HTMLInputElement;
  let newPrivate!: HTMLInputElement;
  let cloneName!: HTMLInputElement;
  let cloneLatestOnly!: HTMLInputElement;
  // What the server says about the size of the repository being typed (clone-size.ts).
  const [advice, setAdvice] = createSignal<CloneAdvice | null>(null);
  let adviceTimer: ReturnType<typeof setTimeout> | undefined;
  let adviceFor = '';
  onCleanup(() => clearTimeout(adviceTimer));
  const adviseOnSize = () => {
    clearTimeout(adviceTimer);
    const name = cloneName.value.trim();
    const [owner, repo] = name.split('/');
    if (!owner || !repo) {
      setAdvice(null);
      return;
    }
    adviceTimer = setTimeout(async () => {
      adviceFor = name;
      const bytes = await serverHistoryBytes(defaultServer(), owner, repo);
      if (adviceFor !== name) return; // typed on meanwhile
      const next = bytes === null ? null : cloneAdvice(name, bytes);
      setAdvice(next);
      if (next?.latestOnly) cloneLatestOnly.checked = true;
    }, 300);
  };
  let importUrl!: HTMLInputElement;
  let importName!: HTMLInputElement;
  let importMirror!: HTMLInputElement;

  const onListKey = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const links = [...document.querySelectorAll<HTMLAnchorElement>('.repo-list .repo-name')];
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = links[Math.max(0, Math.min(links.length - 1, at + (event.key === 'ArrowDown' ? 1 : -1)))];
    next?.focus();
    event.preventDefault();
  };

  return (
    <section class="page">
      <h1>Repositories</h1>
      <Show
        when={(repos() ?? []).length > 0}
        fallback={
          <p class="muted" data-testid="repo-list-empty">
            No repositories on this device yet.
          </p>
        }
      >
        <ul class="repo-list" data-testid="repo-list" onKeyDown={onListKey}>
          <For each={repos()}>
            {(row) => (
              <li data-testid="repo-item" data-repo={row.id}>
                <A class="repo-name" href={`/${row.owner}/${row.repo}`}>
                  {row.id}
                </A>
                <Show when={(row.syncState === 'needs-attention' || row.syncState === 'gone') && row.syncMessage}>
                  <span class="error" data-testid="repo-sync-message">
                    {row.syncMessage}
                  </span>
                </Show>
                <Show when={row.server && row.syncState !== 'syncing'}>
                  <button
                    type="button"
                    class="button"
                    onClick={() => void import('../sync/engine.ts').then((m) => m.syncRepo(row.id))}
                  >
                    Sync now
                  </button>
                </Show>
                <RepoUsage row={row} />
                <span
                  class="sync-state"
                  data-state={row.syncState}
                  title={row.syncMessage ?? ''}
                  data-testid="repo-sync-state"
                >
                  {STATE_LABEL[row.syncState]}
                </span>
                <Show when={row.server}>
                  <button
                    type="button"
                    class="button"
                    title="Download the data this repository points at, to use it offline"
                    onClick={() =>
                      void run('Downloading data', async () => {
                        const handle = await openRepo(row.owner, row.repo);
                        if (!handle) return;
                        const { pullData } = await import('../sync/data-pull.ts');
                        const count = await pullData(handle, (p) =>
                          setBusy(`Downloading data: ${p.objectsDone}/${p.objectsTotal}`),
                        );
                        setError(null);
                        setBusy(null);
                        setNotice(
                          count
                            ? `Downloaded ${count} data objects of ${row.id}.`
                            : `All data of ${row.id} is on this device.`,
                        );
                      })
                    }
                  >
                    Download data
                  </button>
                </Show>
                <A class="button" href={`/${row.owner}/${row.repo}/add-data`}>
                  Add data
                </A>
                <button
                  type="button"
                  class="button danger"
                  onClick={() => {
                    const question =
                      row.serverLoss?.kind === 'not-found'
                        ? `The server no longer has ${row.id}: this copy may be the only one. Delete it from this device for good?`
                        : `Delete this device's copy of ${row.id}? Work not yet synced is lost.`;
                    if (confirm(question)) {
                      void run('delete', () => deleteLocalCopy(row.owner, row.repo));
                    }
                  }}
                >
                  Delete local copy
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <ServerRepoList localIds={new Set((repos() ?? []).map((r) => r.id))} signedIn={!!account()} />
      <Show when={error()}>
        <p class="error" role="alert" data-testid="repo-error">
          {error()}
        </p>
      </Show>
      <Show when={notice()}>
        <p role="status" data-testid="repo-notice">
          {notice()}
        </p>
      </Show>
      <Show when={busy()}>
        <p class="muted" role="status">
          {busy()}…
        </p>
      </Show>
      <div class="panels">
        <section class="panel">
          <h2>New repository</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run('Creating', () =>
                createRepo(newName.value.trim(), {
                  private: newPrivate.checked,
                  description: newDescription.value.trim(),
                }),
              );
            }}
          >
            <label for="new-repo-name">Name</label>
            <input
              ref={newName}
              id="new-repo-name"
              type="text"
              name="name"
              placeholder="e.g. segmentation"
              required
              data-testid="new-repo-name"
            />
            <label for="new-repo-description">Description (optional)</label>
            <input ref={newDescription} id="new-repo-description" type="text" data-testid="new-repo-description" />
            <fieldset class="visibility" disabled={!account()}>
              <legend>Who can see it on the server</legend>
              <label>
                <input type="radio" name="visibility" value="public" checked /> Public: anyone can read it
              </label>
              <label>
                <input ref={newPrivate} type="radio" name="visibility" value="private" data-testid="new-repo-private" />{' '}
                Private: only you and people you share it with
              </label>
            </fieldset>
            <button type="submit" class="button primary" disabled={!!busy()}>
              Create
            </button>
            <span class="muted">
              {account()
                ? `Owned by ${account()?.username}, synced with this server.`
                : 'Kept on this device until you sign in.'}
            </span>
          </form>
        </section>
        <section class="panel">
          <h2>Clone from this server</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const [owner, repo] = cloneName.value.trim().split('/');
              if (!owner || !repo) {
                setError('Write the repository as owner/name.');
                return;
              }
              void run('Cloning', () =>
                cloneFromServer(
                  owner,
                  repo,
                  (p) => setBusy(`Cloning: ${p.phase} ${p.loaded}${p.total ? `/${p.total}` : ''}`),
                  { latestOnly: cloneLatestOnly.checked },
                ),
              );
            }}
          >
            <label for="clone-name">Repository (owner/name)</label>
            <input
              ref={cloneName}
              id="clone-name"
              type="text"
              name="repo"
              placeholder="e.g. demo/segmentation"
              required
              data-testid="clone-name"
              onInput={adviseOnSize}
            />
            <label>
              <input ref={cloneLatestOnly} type="checkbox" data-testid="clone-latest-only" /> Latest only: skip the
              history (for big repositories; fetch it later from the history page)
            </label>
            <Show when={advice()}>
              {(a) => (
                <p class="clone-advice" data-testid="clone-size-advice" role="status">
                  {a().text}
                </p>
              )}
            </Show>
            <button type="submit" class="button" disabled={!!busy()}>
              Clone
            </button>
          </form>
        </section>
        <section class="panel">
          <h2>Import from a git URL</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run('Importing', () =>
                importFromUrl({
                  url: importUrl.value.trim(),
                  name: importName.value.trim(),
                  mirror: importMirror.checked,
                }),
              );
            }}
          >
            <label for="import-url">Git URL</label>
            <input
              ref={importUrl}
              id="import-url"
              type="text"
              placeholder="https://github.com/owner/repo.git"
              required
            />
            <label for="import-name">Name on this server</label>
            <input ref={importName} id="import-name" type="text" placeholder="name on this server" required />
            <label>
              <input ref={importMirror} type="checkbox" /> Keep in step with the source
            </label>
            <button type="submit" class="button" disabled={!!busy() || !account()}>
              Import
            </button>
            <Show when={!account()}>
              <span class="muted">
                <A href="/sign-in">Sign in</A> to import.
              </span>
            </Show>
          </form>
        </section>
        <section class="panel" data-testid="storage-panel">
          <h2>Storage on this device</h2>
          <Show when={storage()} fallback={<span class="muted">Measuring…</span>}>
            {(s) => (
              <div class="stack">
                <span data-testid="storage-persisted">
                  {s().persisted === true
                    ? 'Persistent: the browser will not evict it.'
                    : s().persisted === false
                      ? 'Best effort: the browser may evict it under pressure. Sync to keep a copy.'
                      : 'Persistence unknown in this browser.'}
                </span>
                <span>
                  Used {s().usage !== null ? formatBytes(s().usage ?? 0) : '?'} of{' '}
                  {s().quota !== null ? formatBytes(s().quota ?? 0) : '?'}
                </span>
                <span data-testid="storage-data">
                  Data cache: {s().data.count} objects, {formatBytes(s().data.bytes)}
                </span>
                <A href="/storage" data-testid="manage-storage">
                  See what each repository keeps, and free space
                </A>
              </div>
            )}
          </Show>
        </section>
      </div>
    </section>
  );
}
