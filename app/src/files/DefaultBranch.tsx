/**
 * The repository's default branch on its front page: which branch that is, a note when the
 * server's HEAD named none that exists (so this device chose one), and for the repository's
 * admins a control that changes it on the server (PATCH; git's HEAD follows there).
 */
import { createResource, createSignal, For, Show } from 'solid-js';
import { loadGit } from '../git/load-git.ts';
import type { RepoRefs } from '../git/read-refs.ts';
import { fetchServerRepo, setServerDefaultBranch } from '../repos/server-repo.ts';
import { ready } from './ready.ts';
import type { RepoSession } from './repo-session.ts';

export function DefaultBranch(props: { session: RepoSession; refs: RepoRefs; onChanged: () => void }) {
  const { owner, repo, row, fs, dir } = props.session.handle;
  const [info] = createResource(async () => (row.server ? fetchServerRepo(owner, repo, row.server) : null));
  const [choice, setChoice] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal<{ ok: boolean; text: string } | null>(null);
  const current = () => props.refs.defaultBranch;
  const isAdmin = () => ready(info)?.permission === 'admin';

  const save = async () => {
    const branch = choice() ?? current();
    if (!branch) return;
    setBusy(true);
    setMessage(null);
    try {
      await setServerDefaultBranch(owner, repo, branch, row.server ?? undefined);
      const { git } = await loadGit();
      await git.setConfig({ fs, dir, path: 'cairn.defaultbranch', value: branch });
      await git.setConfig({ fs, dir, path: 'cairn.headfallback', value: 'false' });
      await props.session.handle.flush();
      setMessage({ ok: true, text: `${branch} is now the default branch.` });
      props.onChanged();
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Show when={current()}>
      {(branch) => (
        <>
          <Show when={props.refs.defaultChosenHere}>
            <p class="notice info" data-testid="head-fallback">
              The server’s default branch (its HEAD) names no branch that exists, so this shows{' '}
              <strong>{branch()}</strong>
              {props.refs.branches.length === 1 ? ', its only branch' : ''}.
              <Show when={isAdmin()} fallback=" An admin of this repository can set the default branch.">
                {' '}
                Set the default branch below to fix it for everyone.
              </Show>
            </p>
          </Show>
          <div class="default-branch" data-testid="default-branch">
            <span>
              Default branch: <strong data-testid="default-branch-name">{branch()}</strong>
            </span>
            <Show when={isAdmin() && props.refs.branches.length > 0}>
              <span class="muted">change to</span>
              <select
                aria-label="New default branch"
                data-testid="default-branch-select"
                value={choice() ?? branch()}
                onChange={(e) => setChoice(e.currentTarget.value)}
              >
                <For each={props.refs.branches}>{(b) => <option value={b}>{b}</option>}</For>
              </select>
              <button
                type="button"
                class="button"
                data-testid="default-branch-save"
                disabled={busy() || ((choice() ?? branch()) === branch() && !props.refs.defaultChosenHere)}
                onClick={save}
              >
                {busy() ? 'Saving…' : 'Make default'}
              </button>
            </Show>
            <Show when={message()}>
              {(m) => (
                <span class={m().ok ? 'muted' : 'error'} role="status" data-testid="default-branch-message">
                  {m().text}
                </span>
              )}
            </Show>
          </div>
        </>
      )}
    </Show>
  );
}
