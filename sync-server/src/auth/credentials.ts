import type { IncomingMessage } from 'node:http';

/**
 * Reads what a request offers as credentials, without judging them. Sources, in order:
 * `Authorization: Basic base64(user:secret)` (git, DVC; the secret is a password or a token),
 * `Authorization: Bearer TOKEN` (MLflow, the app), and the `token` query parameter (WebSocket,
 * where browsers cannot set headers).
 */
export type OfferedCredentials =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; secret: string }
  | { kind: 'token'; token: string }
  | { kind: 'malformed' };

/** Secrets longer than this are refused before any hashing (bounds the work per request). */
const MAX_SECRET = 1024;

export function readCredentials(req: IncomingMessage, url: URL): OfferedCredentials {
  const header = req.headers.authorization;
  if (typeof header === 'string' && header.length > 0) {
    const space = header.indexOf(' ');
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : header.slice(space + 1).trim();
    if (value.length === 0 || value.length > MAX_SECRET * 2) return { kind: 'malformed' };
    if (scheme === 'basic') {
      let decoded: string;
      try {
        decoded = Buffer.from(value, 'base64').toString('utf8');
      } catch {
        return { kind: 'malformed' };
      }
      const colon = decoded.indexOf(':');
      if (colon < 0) return { kind: 'malformed' };
      const username = decoded.slice(0, colon);
      const secret = decoded.slice(colon + 1);
      // Some clients send an empty Basic header before they have asked for a password.
      if (username === '' && secret === '') return { kind: 'none' };
      if (secret.length === 0 || secret.length > MAX_SECRET) return { kind: 'malformed' };
      return { kind: 'basic', username, secret };
    }
    if (scheme === 'bearer' || scheme === 'token') return { kind: 'token', token: value };
    return { kind: 'malformed' };
  }
  const q = url.searchParams.get('token');
  if (q !== null) return q.length > 0 && q.length <= MAX_SECRET ? { kind: 'token', token: q } : { kind: 'malformed' };
  return { kind: 'none' };
}
