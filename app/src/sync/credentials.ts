/**
 * Sign-in state per server: the account name and access token this device uses for git, the
 * DVC remote and the API. Kept in the app database (never in URLs or logs).
 */
import { getDb } from '../storage/db.ts';

export interface Credentials {
  username: string;
  token: string;
}

const keyOf = (server: string) => `auth:${server.replace(/\/+$/, '')}`;

export async function getCredentials(server: string): Promise<Credentials | null> {
  const row = await getDb().settings.get(keyOf(server));
  return (row?.value as Credentials | undefined) ?? null;
}

export async function setCredentials(server: string, credentials: Credentials | null): Promise<void> {
  if (credentials) await getDb().settings.put({ key: keyOf(server), value: credentials });
  else await getDb().settings.delete(keyOf(server));
  globalThis.dispatchEvent?.(new CustomEvent('cairn:auth-changed', { detail: server }));
}

/** `Authorization` header value for a server, or null when not signed in. */
export function basicAuth(credentials: Credentials): string {
  const bytes = new TextEncoder().encode(`${credentials.username}:${credentials.token}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}
