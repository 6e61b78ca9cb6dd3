import type { IncomingMessage } from 'node:http';

/**
 * The Origin check of a WebSocket upgrade (defence against cross-site WebSocket hijacking: a
 * browser sends cookies and the page's Origin, never a forged one). Allowed: no Origin at all
 * (git-style tools, Node clients), the server's own origin (same host and port as the `Host`
 * header), or an origin on the configured allow-list.
 */
export function isOriginAllowed(req: IncomingMessage, allowList: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowList.has(origin)) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (allowList.has(parsed.origin)) return true;
  const host = req.headers.host;
  return host !== undefined && parsed.host.toLowerCase() === host.toLowerCase();
}
