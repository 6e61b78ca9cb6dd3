/**
 * Why a view could not read what its URL names, with what to do: an ambiguous commit id lists
 * the commits it could mean (links); a revision not on this device yet says so, not that it
 * does not exist.
 */
import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { GitReadError } from '../git/read-errors.ts';
import { describeReadError } from './repo-session.ts';
import { commitUrl } from './urls.ts';

export function ReadErrorNotice(props: { error: unknown; owner: string; repo: string; testId: string }) {
  const readError = () => (props.error instanceof GitReadError ? props.error : null);
  return (
    <div
      class="notice"
      classList={{ error: readError()?.code !== 'not_on_device' }}
      role="alert"
      data-testid={props.testId}
      data-code={readError()?.code ?? 'ERROR'}
    >
      <p>{describeReadError(props.error)}</p>
      <Show when={readError()?.data.candidates}>
        {(candidates) => (
          <ul class="candidates" data-testid="ambiguous-candidates">
            <For each={candidates()}>
              {(oid) => (
                <li>
                  <A href={commitUrl(props.owner, props.repo, oid)}>
                    <code>{oid.slice(0, 12)}</code>
                  </A>
                </li>
              )}
            </For>
          </ul>
        )}
      </Show>
      <A href={`/${props.owner}/${props.repo}`}>Back to the repository</A>
    </div>
  );
}
