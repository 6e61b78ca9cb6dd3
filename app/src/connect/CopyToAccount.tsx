/**
 * The "Copy to my account" form a read-only collaborator gets (before committing, and on the
 * repository page): a name for the copy (the repository's own by default), one button, and what
 * is and is not copied. When the server has made the copy, `onCopied` opens it (where the
 * user can commit and push).
 */
import { createSignal, Show } from 'solid-js';
import { type CopiedRepo, copyToMyAccount } from './copy-to-account.ts';
import './connect.css';

export function CopyToAccount(props: {
  server: string;
  owner: string;
  repo: string;
  username: string;
  onCopied: (copy: CopiedRepo) => void;
}) {
  const [name, setName] = createSignal(props.repo);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onCopied(await copyToMyAccount(props.server, props.owner, props.repo, name().trim()));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const inputId = `copy-name-${props.owner}-${props.repo}`;
  return (
    <form class="account-copy" onSubmit={submit} data-testid="copy-to-account">
      <label for={inputId}>Name of your copy</label>
      <div class="account-copy-row">
        <span class="account-copy-owner">{props.username} /</span>
        <input
          id={inputId}
          value={name()}
          onInput={(e) => setName(e.currentTarget.value)}
          required
          maxLength={100}
          spellcheck={false}
          autocomplete="off"
          data-testid="copy-name"
        />
        <button type="submit" class="button primary" disabled={busy() || name().trim() === ''}>
          {busy() ? 'Copying…' : 'Copy to my account'}
        </button>
      </div>
      <p class="muted account-copy-note">
        Copies the code, every branch and tag, and the DVC data. MLflow runs, notes and collaborators stay in{' '}
        {props.owner}/{props.repo}.
      </p>
      <Show when={error()}>
        <p class="error" role="alert" data-testid="copy-error">
          {error()}
        </p>
      </Show>
    </form>
  );
}
