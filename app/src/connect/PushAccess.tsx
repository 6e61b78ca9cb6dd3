/**
 * Says, before any work is committed, when this user cannot push it to the server: signed out,
 * or signed in with read access only. The work would stay on this device and its sync would
 * fail, so the notice says what to do instead (sign in, ask for write access, or create a
 * repository of one's own and push there with git).
 */
import { A } from '@solidjs/router';
import { createResource, Show } from 'solid-js';
import { fetchServerRepo } from '../repos/server-repo.ts';
import type { RepoHandle } from '../storage/repo-handle.ts';
import { getCredentials } from '../sync/credentials.ts';
import './connect.css';

export function PushAccess(props: { handle: RepoHandle }) {
  const [access] = createResource(
    () => props.handle,
    async (h) => {
      if (!h.row.server) return null; // only on this device: nothing to push to
      const [info, account] = await Promise.all([
        fetchServerRepo(h.owner, h.repo, h.row.server),
        getCredentials(h.row.server),
      ]);
      if (!account) return { signedIn: false } as const;
      if (info && info.permission === 'read') return { signedIn: true, username: account.username } as const;
      return null; // can write, or the server cannot be asked now (the sync will say)
    },
  );
  return (
    <Show when={access()}>
      {(a) => (
        <div class="push-access" role="status" data-testid="push-access">
          <Show
            when={a().signedIn}
            fallback={
              <p>
                You are not signed in, so what you add here stays on this device and cannot be pushed to{' '}
                {props.handle.id}. <A href="/sign-in">Sign in</A> first if you have write access.
              </p>
            }
          >
            <p>
              You can read {props.handle.id} but not push to it: what you commit here stays on this device. Ask its
              owner for write access, or create a repository of your own on the <A href="/">home page</A> and push a
              copy to it with git (the <strong>Remote</strong> panel has the clone URL).
            </p>
          </Show>
        </div>
      )}
    </Show>
  );
}
