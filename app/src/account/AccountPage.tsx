/**
 * `/account`: who is signed in, and their access tokens — create one (shown once, copyable),
 * see when each was last used, revoke it. Signed out, it sends the person to sign in.
 */
import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { CopyField } from '../connect/CopyField.tsx';
import '../connect/connect.css';
import '../repos/repos.css';
import { rereadInTransition } from '../files/ready.ts';
import { defaultServer } from '../sync/api.ts';
import { getCredentials } from '../sync/credentials.ts';
import { signOut } from '../sync/session.ts';
import { type AccessToken, createToken, listTokens, revokeToken } from './tokens.ts';

const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toLocaleString('en'));

export default function AccountPage() {
  const server = defaultServer();
  const [account, { refetch: refetchAccount }] = createResource(() => getCredentials(server));
  const [tokens, { refetch }] = createResource(
    () => account(),
    async () => (await listTokens(server)).filter((t) => t.kind === 'token'),
  );
  const [created, setCreated] = createSignal<{ name: string; token: string } | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  let tokenName!: HTMLInputElement;

  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      await rereadInTransition(refetch);
    } catch (e) {
      setError(`${(e as Error).message} Try again; if it keeps failing, sign out and in again.`);
    }
  };

  return (
    <section class="page">
      <Show
        when={account()}
        fallback={
          <Show when={!account.loading}>
            <h1>Account</h1>
            <p>
              You are not signed in on this device. <A href="/sign-in">Sign in</A> to see your access tokens.
            </p>
          </Show>
        }
      >
        {(a) => (
          <>
            <h1 data-testid="account-name">{a().username}</h1>
            <p>
              Signed in to {server}.{' '}
              <button
                type="button"
                class="button"
                onClick={() => void signOut(server).then(() => rereadInTransition(refetchAccount))}
              >
                Sign out
              </button>
            </p>
            <p>
              <A href="/storage">Storage on this device</A>: what each repository keeps here, and freeing space.
            </p>
            <section class="panel" id="tokens" data-testid="tokens">
              <h2>Access tokens</h2>
              <p class="muted">
                git, DVC and MLflow use a token in place of your password: the user name is {a().username}. Use one
                token per computer or tool, so you can revoke one alone.
              </p>
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  const name = tokenName.value.trim();
                  void act(async () => {
                    const t = await createToken(name);
                    setCreated({ name: t.name, token: t.token });
                    tokenName.value = '';
                  });
                }}
              >
                <label for="token-name">New token's name</label>
                <div class="copy-row">
                  <input
                    ref={tokenName}
                    id="token-name"
                    type="text"
                    placeholder="e.g. laptop dvc"
                    required
                    data-testid="token-name"
                  />
                  <button type="submit" class="button primary">
                    Create token
                  </button>
                </div>
              </form>
              <Show when={created()}>
                {(c) => (
                  <div class="push-access" data-testid="token-created">
                    <CopyField
                      label={`Token “${c().name}” — copy it now, it is not shown again`}
                      text={c().token}
                      testId="token-secret"
                    />
                  </div>
                )}
              </Show>
              <Show when={error()}>
                <p class="error" role="alert">
                  {error()}
                </p>
              </Show>
              <Show when={tokens()} fallback={<p class="muted">Loading tokens…</p>}>
                {(list) => (
                  <Show when={list().length > 0} fallback={<p class="muted">No access tokens yet.</p>}>
                    <ul class="repo-list token-list">
                      <For each={list()}>
                        {(t: AccessToken) => (
                          <li data-testid="token-row" data-token={t.name}>
                            <strong class="repo-name">{t.name}</strong>
                            <span class="muted">created {when(t.createdAt)}</span>
                            <span class="muted">last used {when(t.lastUsedAt)}</span>
                            <button
                              type="button"
                              class="button danger"
                              onClick={() => {
                                if (confirm(`Revoke “${t.name}”? Tools using it stop working.`)) {
                                  void act(() => revokeToken(t.id));
                                }
                              }}
                            >
                              Revoke
                            </button>
                          </li>
                        )}
                      </For>
                    </ul>
                  </Show>
                )}
              </Show>
            </section>
          </>
        )}
      </Show>
    </section>
  );
}
