import type { IncomingMessage } from 'node:http';
import { SettingsError } from '../config.ts';

/**
 * The Origin check of a WebSocket upgrade and of every request that changes something (defence against cross-site WebSocket hijacking: a
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

/** Methods a page on another site may not send with the user's credentials (CSRF). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * True for a state-changing request sent by a page of another site. Browsers add `Origin` to
 * every cross-site POST/PUT/PATCH/DELETE and may attach credentials they hold for this server
 * (a Basic login cached after opening a `.git` URL, say) without the page ever seeing them;
 * git, DVC and MLflow clients send no `Origin`. Reads stay open: without CORS headers the
 * browser never lets the other page see the answer.
 */
export function isForeignWrite(req: IncomingMessage, allowList: ReadonlySet<string>): boolean {
  return !SAFE_METHODS.has(req.method ?? 'GET') && !isOriginAllowed(req, allowList);
}

/**
 * Origins from a comma-separated variable (`https://cairn.example.org,https://proxy.example`),
 * each normalised to scheme://host[:port]; anything else is a SettingsError naming the variable.
 */
export function originsFromVariable(env: Readonly<Record<string, string | undefined>>, variable: string): Set<string> {
  const raw = env[variable];
  const origins = new Set<string>();
  for (const item of (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    let origin = 'null';
    try {
      origin = new URL(item).origin;
    } catch {}
    if (origin === 'null') throw new SettingsError({ variable, value: item });
    origins.add(origin);
  }
  return origins;
}
