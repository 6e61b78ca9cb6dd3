/**
 * Access tokens of the signed-in account (`/api/v1/user/tokens`): what git, DVC and MLflow use
 * instead of a password. A new token's secret is returned once; the server keeps only its hash.
 */
import { apiFetch, defaultServer } from '../sync/api.ts';

export interface AccessToken {
  id: number;
  name: string;
  kind: 'token' | 'session';
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

export async function listTokens(server = defaultServer()): Promise<AccessToken[]> {
  const body = await apiFetch<{ tokens?: AccessToken[] }>(server, '/user/tokens');
  return body?.tokens ?? [];
}

/** Creates a token; the returned `token` is the only time its secret is seen. */
export async function createToken(name: string, server = defaultServer()): Promise<AccessToken & { token: string }> {
  return apiFetch(server, '/user/tokens', { method: 'POST', body: JSON.stringify({ name }) });
}

export async function revokeToken(id: number, server = defaultServer()): Promise<void> {
  await apiFetch(server, `/user/tokens/${id}`, { method: 'DELETE' });
}
