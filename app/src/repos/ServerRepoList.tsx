/**
 * The home page's list of the server's repositories this user can read — their own, those shared
 * with them and public ones — so a fresh device finds them without knowing names. Opening one
 * copies it to this device (the repository page clones on a first visit).
 */
import { A } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { defaultServer } from '../sync/api.ts';
import { listServerRepos } from './server-repo.ts';

const ACCESS: Record<string, string> = { read: 'read only', write: 'can push', admin: 'admin' };

export function ServerRepoList(props: { localIds: ReadonlySet<string>; signedIn: boolean }) {
  const server = defaultServer();
  const [repos] = createResource(() => listServerRepos(server));
  return (
    <section class="server-repos" data-testid="server-repos" aria-labelledby="server-repos-title">
      <h2 id="server-repos-title">On {server.replace(/^https?:\/\//, '')}</h2>
      <Show when={!repos.loading} fallback={<p class="muted">Asking the server…</p>}>
        <Show
          when={repos()}
          fallback={
            <p class="muted" data-testid="server-repos-unreachable">
              The server cannot be reached; the list above is what this device holds.
            </p>
          }
        >
          {(list) => (
            <Show
              when={list().length > 0}
              fallback={
                <p class="muted">
                  No repositories you can read on this server yet.{' '}
                  {props.signedIn ? 'Create one below.' : <A href="/sign-in">Sign in</A>}
                </p>
              }
            >
              <ul class="repo-list">
                <For each={list()}>
                  {(r) => (
                    <li data-testid="server-repo" data-server-repo={`${r.owner}/${r.name}`}>
                      <div class="server-repo-main">
                        <A class="repo-name" href={`/${r.owner}/${r.name}`}>
                          {r.owner}/{r.name}
                        </A>
                        <Show when={r.description}>
                          <span class="muted server-repo-description">{r.description}</span>
                        </Show>
                      </div>
                      <span class="tag">{r.private ? 'private' : 'public'}</span>
                      <Show when={r.permission && props.signedIn}>
                        <span class="muted">{ACCESS[r.permission ?? '']}</span>
                      </Show>
                      <span class="muted">
                        {props.localIds.has(`${r.owner}/${r.name}`) ? 'On this device' : 'Opens a copy here'}
                      </span>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          )}
        </Show>
      </Show>
    </section>
  );
}
