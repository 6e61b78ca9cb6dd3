/** What a repository view shows while the repository opens (or clones), or why it cannot. */
import { Match, Show, Switch } from 'solid-js';
import { isOnline } from '../sync/connectivity.ts';
import { formatSize } from '../viewers/view-file.ts';
import type { CloneProgress } from './create-repo-session.ts';
import { describeReadError } from './repo-session.ts';

export function RepoStatus(props: {
  loading: boolean;
  error: unknown;
  clone: CloneProgress | null;
  onRetry: () => void;
}) {
  return (
    <Switch>
      <Match when={props.error}>
        <div class="notice error" role="alert" data-testid="repo-error">
          <p>
            {isOnline()
              ? describeReadError(props.error)
              : 'This repository is not on this device, and the device is offline. Open it once while online to keep it here.'}
          </p>
          <button type="button" class="button" onClick={() => props.onRetry()}>
            Try again
          </button>
        </div>
      </Match>
      <Match when={props.loading}>
        <p class="muted" data-testid="repo-loading">
          <Show when={props.clone} fallback="Opening…">
            {(c) => (
              <>
                Copying the repository to this device: {c().phase} {formatSize(c().loaded)}
                <Show when={c().total}>{(t) => <> of {formatSize(t())}</>}</Show>
              </>
            )}
          </Show>
        </p>
      </Match>
    </Switch>
  );
}
