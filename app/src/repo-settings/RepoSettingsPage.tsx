/**
 * `/owner/repo/settings`, for the repository's admins (as GitHub's settings page): rename,
 * transfer to another owner, and a danger zone to delete it after typing its full name. After a
 * rename the device copy follows and the page moves to the new URL (old URLs redirect on the
 * server); after a delete the device copy goes too.
 */
import { useNavigate, useParams } from '@solidjs/router';
import { createResource, createSignal, Show } from 'solid-js';
import { fetchServerRepo } from '../repos/server-repo.ts';
import { repoId } from '../storage/repo-names.ts';
import { defaultServer } from '../sync/api.ts';
import { getCredentials } from '../sync/credentials.ts';
import '../repos/repos.css';
import './settings.css';

export default function RepoSettingsPage() {
  const params = useParams<{ owner: string; repo: string }>();
  const navigate = useNavigate();
  const fullName = () => `${params.owner}/${params.repo}`;
  const [info] = createResource(
    () => [params.owner, params.repo] as const,
    ([owner, repo]) => fetchServerRepo(owner, repo),
  );
  const [me] = createResource(() => getCredentials(defaultServer()));
  const [busy, setBusy] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [confirming, setConfirming] = createSignal(false);
  const [typed, setTyped] = createSignal('');
  let nameInput!: HTMLInputElement;
  let ownerInput!: HTMLInputElement;

  const rename = async (to: { owner: string; name: string }) => {
    setError(null);
    setBusy(`Renaming ${fullName()}`);
    try {
      const { renameServerRepo } = await import('./repo-admin.ts');
      const done = await renameServerRepo(params.owner, params.repo, to);
      const { moveDeviceCopy } = await import('../device-storage/device-copy.ts');
      await moveDeviceCopy({ owner: params.owner, repo: params.repo }, { owner: done.owner, repo: done.name });
      navigate(`/${done.owner}/${done.name}`, { replace: true });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const remove = async () => {
    setError(null);
    setBusy(`Deleting ${fullName()}`);
    try {
      const { deleteServerRepo } = await import('./repo-admin.ts');
      const { detachFromServer } = await import('../sync/engine.ts');
      // No sync of this device may re-create it between the delete and removing the copy here.
      const reattach = await detachFromServer(repoId(params.owner, params.repo));
      try {
        await deleteServerRepo(params.owner, params.repo, typed());
      } catch (e) {
        await reattach();
        throw e;
      }
      const { removeDeviceCopy } = await import('../device-storage/device-copy.ts');
      await removeDeviceCopy(params.owner, params.repo);
      navigate('/', { replace: true });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="repo-settings" data-testid="repo-settings">
      <h2 class="settings-title">Settings</h2>
      <Show when={info.state !== 'pending'} fallback={<p class="muted">Asking the server…</p>}>
        <Show
          when={info()?.permission === 'admin'}
          fallback={
            <p class="muted" data-testid="settings-not-admin">
              {info() === null
                ? 'The server cannot be reached, or you cannot see this repository there. Settings change on the server: come back online.'
                : `Only admins of ${fullName()} can change its settings.`}
            </p>
          }
        >
          <section class="settings-box">
            <h3>Repository name</h3>
            <form
              class="settings-row"
              onSubmit={(e) => {
                e.preventDefault();
                void rename({ owner: params.owner, name: nameInput.value.trim() });
              }}
            >
              <input
                ref={nameInput}
                id="rename-name"
                aria-label="New name"
                type="text"
                value={params.repo}
                required
                autocomplete="off"
                data-testid="rename-name"
              />
              <button type="submit" class="button" disabled={!!busy()}>
                Rename
              </button>
            </form>
            <p class="muted">
              Links, clones and DVC remotes that use the old name keep working: the server redirects them to the new one
              until another repository takes the old name.
            </p>
          </section>

          <h3 class="danger-title">Danger zone</h3>
          <section class="settings-box danger-zone" data-testid="danger-zone">
            <div class="danger-row">
              <div>
                <strong>Transfer ownership</strong>
                <p class="muted">
                  Move it to another account. You need to be that account
                  {me()?.username ? ` (you are ${me()?.username})` : ''} or a site admin.
                </p>
              </div>
            </div>
            <form
              class="settings-row transfer-form"
              onSubmit={(e) => {
                e.preventDefault();
                void rename({ owner: ownerInput.value.trim(), name: params.repo });
              }}
            >
              <input
                ref={ownerInput}
                id="transfer-owner"
                aria-label="New owner"
                type="text"
                placeholder="new owner"
                required
                autocomplete="off"
                data-testid="transfer-owner"
              />
              <button type="submit" class="button danger" disabled={!!busy()}>
                Transfer
              </button>
            </form>
            <div class="danger-row danger-divider">
              <div>
                <strong>Delete this repository</strong>
                <p class="muted">Once it is deleted, there is no going back.</p>
              </div>
              <button
                type="button"
                class="button danger"
                disabled={!!busy()}
                onClick={() => setConfirming(!confirming())}
                aria-expanded={confirming()}
              >
                Delete this repository
              </button>
            </div>
            <Show when={confirming()}>
              <form
                class="delete-confirm"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (typed() === fullName()) void remove();
                }}
              >
                <p>This deletes, on the server and on this device:</p>
                <ul data-testid="delete-what">
                  <li>the git repository: every branch, tag and commit</li>
                  <li>data objects that only this repository uses (shared ones stay for the others)</li>
                  <li>MLflow runs and experiments, and the run feed</li>
                  <li>live notes of runs, commits and the project</li>
                </ul>
                <p>Clones on other computers keep their copy. A repository made later with this name starts empty.</p>
                <label for="delete-confirm">
                  To confirm, type <strong class="mono">{fullName()}</strong> below:
                </label>
                <input
                  id="delete-confirm"
                  type="text"
                  autocomplete="off"
                  spellcheck={false}
                  value={typed()}
                  onInput={(e) => setTyped(e.currentTarget.value)}
                  data-testid="delete-confirm"
                />
                <button type="submit" class="button danger-solid" disabled={typed() !== fullName() || !!busy()}>
                  Delete {fullName()}
                </button>
              </form>
            </Show>
          </section>
          <Show when={busy()}>
            <p role="status" class="muted">
              {busy()}…
            </p>
          </Show>
          <Show when={error()}>
            <p class="error" role="alert" data-testid="settings-error">
              {error()}
            </p>
          </Show>
        </Show>
      </Show>
    </section>
  );
}
