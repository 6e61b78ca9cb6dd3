/**
 * Signing in to a server from the app: a user name and password are exchanged for an app
 * session token (or an access token is used as given), checked against the server, and kept
 * on this device for git, the DVC remote and the API.
 */
import { setAuthor } from '../git/author.ts';
import { ApiError, apiFetch } from './api.ts';
import { type Credentials, getCredentials, setCredentials } from './credentials.ts';

interface WhoAmI {
  username?: string;
  user?: { username?: string; name?: string; email?: string };
  name?: string;
  email?: string;
}

function usernameOf(body: WhoAmI | null): string | null {
  return body?.user?.username ?? body?.username ?? null;
}

/** Signs in with a password (a session token is issued) or with an access token. */
export async function signIn(
  server: string,
  username: string,
  secret: string,
  kind: 'password' | 'token',
): Promise<Credentials> {
  let token = secret;
  if (kind === 'password') {
    const body = await apiFetch<{ token?: string }>(server, '/session', {
      method: 'POST',
      body: JSON.stringify({ username, password: secret }),
      headers: { Authorization: '' },
    });
    if (!body?.token) throw new ApiError(500, 'bad-response', 'The server did not return a session.');
    token = body.token;
  }
  const me = await apiFetch<WhoAmI>(server, '/user', { headers: { Authorization: `Bearer ${token}` } });
  const confirmed = usernameOf(me) ?? username;
  const credentials = { username: confirmed, token };
  await setCredentials(server, credentials);
  await setAuthor({
    name: me?.user?.name ?? me?.name ?? confirmed,
    email: me?.user?.email ?? me?.email ?? `${confirmed}@users.cairn`,
  });
  return credentials;
}

export async function signOut(server: string): Promise<void> {
  const credentials = await getCredentials(server);
  if (credentials) {
    await apiFetch(server, '/session', { method: 'DELETE' }).catch(() => {});
  }
  await setCredentials(server, null);
}
