/** The top bar's account link: the signed-in user's name (to their account page), or "Sign in". */
import { A } from '@solidjs/router';
import { createResource, onCleanup } from 'solid-js';
import { defaultServer } from '../sync/api.ts';
import { getCredentials } from '../sync/credentials.ts';

export function AccountLink() {
  const server = defaultServer();
  const [account, { refetch }] = createResource(() => getCredentials(server));
  const changed = () => void refetch();
  window.addEventListener('cairn:auth-changed', changed);
  onCleanup(() => window.removeEventListener('cairn:auth-changed', changed));
  const name = () => (account.state === 'ready' ? account()?.username : undefined);
  return (
    <A
      href={name() ? '/account' : '/sign-in'}
      class="icon-button account-link"
      data-testid="sign-in-link"
      title={name() ? `Signed in as ${name()}: account and access tokens` : 'Sign in to this server'}
    >
      {name() ?? 'Sign in'}
    </A>
  );
}
