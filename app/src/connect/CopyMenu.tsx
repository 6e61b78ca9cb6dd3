/**
 * The repository page's "Copy to my account" menu (GitHub's Fork button), shown only to a
 * signed-in reader who cannot push here; it opens the form and then the copy.
 */
import { useNavigate } from '@solidjs/router';
import { createEffect, createSignal, on, Show } from 'solid-js';
import { defaultServer } from '../sync/api.ts';
import { CopyToAccount } from './CopyToAccount.tsx';
import { readOnlyAccess } from './read-only-access.ts';
import './connect.css';

export function CopyMenu(props: { owner: string; repo: string }) {
  const navigate = useNavigate();
  // An effect, not a resource: reading a resource here would hold the navigation into the
  // repository page until the server answered.
  const [access, setAccess] = createSignal<Awaited<ReturnType<typeof readOnlyAccess>> | null>(null);
  createEffect(
    on(
      () => [props.owner, props.repo] as const,
      ([owner, repo]) => {
        setAccess(null);
        void readOnlyAccess(defaultServer(), owner, repo)
          .then((a) => {
            if (props.owner === owner && props.repo === repo) setAccess(a);
          })
          .catch(() => {});
      },
    ),
  );
  const reader = () => {
    const a = access();
    return a?.signedIn ? a : null;
  };
  return (
    <Show when={reader()}>
      {(r) => (
        <details class="remote-panel copy-menu" data-testid="copy-menu">
          <summary class="button">Copy to my account</summary>
          <div class="remote-body">
            <p class="remote-hint">
              You can read {props.owner}/{props.repo} but not push to it. A copy in your account is yours to commit and
              push to.
            </p>
            <CopyToAccount
              server={defaultServer()}
              owner={props.owner}
              repo={props.repo}
              username={r().username}
              onCopied={(c) => navigate(`/${c.owner}/${c.name}`)}
            />
          </div>
        </details>
      )}
    </Show>
  );
}
