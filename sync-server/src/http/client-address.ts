import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import { SettingsError } from '../config.ts';

/**
 * The address a request came from, as the sign-in limits and the audit log count it. Behind a load
 * balancer every connection comes from the balancer, so all clients would share one address (one
 * guesser would lock everyone's sign-ins by address). CAIRN_TRUSTED_PROXIES names the balancers'
 * addresses: for a connection from one of them, the client is read from `X-Forwarded-For`, right to
 * left, skipping further trusted hops. From anyone else the header is ignored, so a client cannot
 * choose the address it is counted under.
 */

/** CAIRN_TRUSTED_PROXIES: comma-separated IP addresses (IPv4 or IPv6); unset or empty = none. */
export function trustedProxiesFromEnv(env: Readonly<Record<string, string | undefined>>): ReadonlySet<string> {
  const raw = env.CAIRN_TRUSTED_PROXIES ?? '';
  const out = new Set<string>();
  for (const item of raw.split(',')) {
    const address = normalise(item.trim());
    if (address === '') continue;
    if (!net.isIP(address)) {
      throw new SettingsError(
        { variable: 'CAIRN_TRUSTED_PROXIES', value: raw },
        `expected IP addresses separated by commas; ${JSON.stringify(item.trim())} is not one`,
      );
    }
    out.add(address);
  }
  return out;
}

/** `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) is 127.0.0.1. */
function normalise(address: string): string {
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/** The client's address for a request, given the trusted proxies (see above). */
export function resolveClientAddress(
  req: { socket: { remoteAddress?: string | undefined }; headers: IncomingMessage['headers'] },
  trusted: ReadonlySet<string>,
): string {
  const peer = req.socket.remoteAddress;
  if (peer === undefined) return 'unknown';
  let address = normalise(peer);
  if (!trusted.has(address)) return address;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  while (hops.length > 0) {
    const hop = normalise((hops.pop() as string).trim());
    // A hop that is not an address ends the walk at the last one a trusted proxy vouched for.
    if (!net.isIP(hop)) return address;
    address = hop;
    if (!trusted.has(address)) return address;
  }
  return address;
}

const resolved = new WeakMap<object, string>();

/** Called once per request (and upgrade) by the server, before any feature sees it. */
export function rememberClientAddress(req: IncomingMessage, trusted: ReadonlySet<string>): void {
  resolved.set(req, resolveClientAddress(req, trusted));
}

/** The client's address as remembered for this request; the socket's peer where none was. */
export function clientAddress(req: { socket: { remoteAddress?: string | undefined } }): string {
  return resolved.get(req) ?? (req.socket.remoteAddress ? normalise(req.socket.remoteAddress) : 'unknown');
}
