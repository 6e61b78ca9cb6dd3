import { A, useNavigate } from '@solidjs/router';
import { createResource, createSignal, onCleanup, Show } from 'solid-js';
import '../repos/repos.css';
import { rereadInTransition } from '../files/ready.ts';
import { ApiError, defaultServer } from './api.ts';
import { getCredentials } from './credentials.ts';
import { formatWait } from './retry-after.ts';
import { signIn, signOut } from './session.ts';

/**
 * The wait the server asked for after too many wrong passwords (429 + Retry-After), as a clock
 * that counts down each second; `remaining()` is 0 when signing in may be tried again.
 */
function createWait() {
  const [until, setUntil] = createSignal(0);
  const [now, setNow] = createSignal(Date.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    clearInterval(timer);
    timer = undefined;
  };
  onCleanup(stop);
  const remaining = () => Math.max(0, Math.ceil((until() - now()) / 1000));
  return {
    remaining,
    start(seconds: number) {
      setUntil(Date.now() + seconds * 1000);
      setNow(Date.now());
      stop();
      timer = setInterval(() => {
        setNow(Date.now());
        if (remaining() === 0) stop();
      }, 250);
    },
  };
}

/** Sign in to the server that served the app (needed for private repositories and to push). */
export default function SignInPage() {
  const navigate = useNavigate();
  const server = defaultServer();
  const [current, { refetch }] = createResource(() => getCredentials(server));
  const [error, setError] = createSignal<string | null>(null);
  const [kind, setKind] = createSignal<'password' | 'token'>('password');
  const wait = createWait();
  let username!: HTMLInputElement;
  let secret!: HTMLInputElement;
  return (
    <section class="page">
      <h1>Sign in to {server}</h1>
      <Show
        when={!current()}
        fallback={
          <p>
            Signed in as <strong data-testid="signed-in-as">{current()?.username}</strong> (
            <A href="/account">account and access tokens</A>).{' '}
            <button
              type="button"
              class="button"
              onClick={() => void signOut(server).then(() => rereadInTransition(refetch))}
            >
              Sign out
            </button>
          </p>
        }
      >
        <form
          class="panel stack"
          style={{ 'max-width': '360px' }}
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            signIn(server, username.value.trim(), secret.value, kind())
              .then(async () => {
                await rereadInTransition(refetch);
                const { requestSync } = await import('./engine.ts');
                requestSync();
                navigate('/');
              })
              .catch((err: unknown) => {
                if (err instanceof ApiError && err.status === 429) {
                  wait.start(err.retryAfterSeconds ?? 60);
                  return;
                }
                setError((err as Error).message);
              });
          }}
        >
          <label for="sign-in-user">User name</label>
          <input
            ref={username}
            id="sign-in-user"
            type="text"
            name="username"
            placeholder="user name"
            autocomplete="username"
            required
          />
          <label for="sign-in-secret">{kind() === 'password' ? 'Password' : 'Access token'}</label>
          <input
            id="sign-in-secret"
            ref={secret}
            type="password"
            name="password"
            placeholder={kind() === 'password' ? 'password' : 'access token'}
            autocomplete="current-password"
            required
          />
          <label>
            <input type="checkbox" onChange={(e) => setKind(e.currentTarget.checked ? 'token' : 'password')} /> Use an
            access token instead of the password
          </label>
          <button type="submit" class="button primary" disabled={kind() === 'password' && wait.remaining() > 0}>
            Sign in
          </button>
          {/* Tokens are never limited: ticking "access token" lifts the wait. */}
          <Show when={kind() === 'password' && wait.remaining() > 0}>
            <div class="wait-notice" role="alert">
              <p class="error" data-testid="sign-in-wait">
                Too many attempts. Try again in <time>{formatWait(wait.remaining())}</time>
              </p>
              <p class="muted">
                After several wrong passwords the server makes each account wait, so passwords cannot be guessed. An
                access token still signs in.
              </p>
            </div>
          </Show>
          <Show when={error() && wait.remaining() === 0}>
            <p class="error" role="alert" data-testid="sign-in-error">
              {error()}
            </p>
          </Show>
        </form>
      </Show>
    </section>
  );
}
