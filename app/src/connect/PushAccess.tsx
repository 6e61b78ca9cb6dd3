/**
 * Says, before any work is committed, when this user cannot push it to the server: signed out,
 * or signed in with read access only. The work would stay on this device and its sync would
 * fail, so the notice says what to do instead: sign in, ask for write access, or copy the
 * repository into one's own account (CopyToAccount) and work there.
 */
import { A, useNavigate } from '@solidjs/router';
import { createResource, Show } from 'solid-js';
import { valueNow } from '../files/ready.ts';
import type { RepoHandle } from '../storage/repo-handle.ts';
import { CopyToAccount } from './CopyToAccount.tsx';
import type { CopiedRepo } from './copy-to-account.ts';
import { readOnlyAccess } from './read-only-access.ts';
import './connect.css';

export function PushAccess(props: { handle: RepoHandle; openCopy: (copy: CopiedRepo) => string }) {
  const navigate = useNavigate();
  const [access] = createResource(
    () => props.handle,
    (h) => readOnlyAccess(h.row.server ?? null, h.owner, h.repo),
  );
  return (
    <Show when={valueNow(access)}>
      {(a) => (
        <div class="push-access" role="status" data-testid="push-access">
          <Show
            when={a().signedIn ? (a() as { username: string }) : null}
            fallback={
              <p>
                You are not signed in, so what you add here stays on this device and cannot be pushed to{' '}
                {props.handle.id}. <A href="/sign-in">Sign in</A> first if you have write access.
              </p>
            }
          >
            {(reader) => (
              <>
                <p>
                  You can read {props.handle.id} but not push to it: what you commit here would stay on this device.
                  Copy it to your account and commit there (what you picked here comes along), or ask its owner for
                  write access.
                </p>
                <CopyToAccount
                  server={props.handle.row.server as string}
                  owner={props.handle.owner}
                  repo={props.handle.repo}
                  username={reader().username}
                  onCopied={(copy) => navigate(props.openCopy(copy))}
                />
              </>
            )}
          </Show>
        </div>
      )}
    </Show>
  );
}
