import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { AccountsError } from '../accounts/errors.ts';

/**
 * Keeps imports from reaching the server's own network (SSRF, THREAT_MODEL.md #13). Before
 * git touches an import URL, its host is resolved and every address checked: loopback,
 * private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, unique-local,
 * multicast and unspecified addresses are refused unless `CAIRN_IMPORT_ALLOW_PRIVATE=1` (or the
 * host is listed in `CAIRN_IMPORT_ALLOW_HOSTS`, comma-separated: an internal git server one
 * trusts). For http(s), the server itself asks for `info/refs` the way git does and follows
 * redirects hop by hop, checking each new host the same way; git is then given the final URL,
 * told not to follow redirects, and pinned to the checked address (`http.curloptResolve`), so a
 * second DNS answer (rebinding) cannot send it elsewhere. git:// has no redirects; its host is
 * checked but git resolves it again itself (documented in THREAT_MODEL.md).
 */
export interface ImportPolicy {
  allowPrivate: boolean;
  allowHosts: ReadonlySet<string>;
}

export function importPolicyFromEnv(env: Readonly<Record<string, string | undefined>>): ImportPolicy {
  return {
    allowPrivate: env.CAIRN_IMPORT_ALLOW_PRIVATE === '1',
    allowHosts: new Set(
      (env.CAIRN_IMPORT_ALLOW_HOSTS ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    ),
  };
}

const blocked = new net.BlockList();
for (const [net4, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net4, prefix, 'ipv4');
}
for (const [net6, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net6, prefix, 'ipv6');
}

/** Whether an address is one an import must not reach (loopback, private, link-local, …). */
export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true; // not an address: refuse rather than guess
  const lower = address.toLowerCase();
  // IPv4 written inside IPv6 (::ffff:a.b.c.d mapped, NAT64 64:ff9b::a.b.c.d): judge the IPv4.
  const embedded = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (embedded) return blocked.check(embedded[1] as string, 'ipv4');
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (mappedHex) {
    const n = (Number.parseInt(mappedHex[1] as string, 16) << 16) | Number.parseInt(mappedHex[2] as string, 16);
    return blocked.check([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'), 'ipv4');
  }
  return blocked.check(address, 'ipv6');
}

function refused(message: string): AccountsError {
  return new AccountsError('import_refused', 400, message);
}

/** Resolves `host` and returns the address to use, after checking every address it has. */
async function vetHost(host: string, policy: ImportPolicy): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(bare)
    ? [bare]
    : (await dns.lookup(bare, { all: true, verbatim: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new AccountsError('import_failed', 502, `Could not resolve ${host}.`);
  if (policy.allowPrivate || policy.allowHosts.has(bare.toLowerCase())) return addresses[0] as string;
  const bad = addresses.find(isPrivateAddress);
  if (bad !== undefined) {
    throw refused(
      `Imports may not reach ${host} (${bad}): it is a loopback, private or link-local address. An operator can allow it with CAIRN_IMPORT_ALLOW_PRIVATE=1.`,
    );
  }
  return addresses[0] as string;
}

export interface VettedSource {
  /** The URL git should use (after redirects). */
  url: string;
  /** Environment for git (GIT_CONFIG_COUNT/KEY/VALUE): no redirects, connect only to the checked address. */
  gitEnv: Record<string, string>;
}

const MAX_REDIRECTS = 5;
const PROBE_TIMEOUT_MS = 15_000;
const REFS_SUFFIX = '/info/refs?service=git-upload-pack';

/** Checks an import source and every redirect it leads to; throws a 400 `import_refused`. */
export async function vetImportSource(sourceUrl: string, policy: ImportPolicy): Promise<VettedSource> {
  let url = new URL(sourceUrl);
  if (url.protocol === 'git:') {
    await vetHost(url.hostname, policy);
    return { url: sourceUrl, gitEnv: {} };
  }
  for (let hop = 0; ; hop++) {
    const address = await vetHost(url.hostname, policy);
    const location = await probeRefs(url, address);
    if (location === null) {
      const port = url.port || (url.protocol === 'https:' ? '443' : '80');
      const pinned = net.isIP(address) === 6 ? `[${address}]` : address;
      return {
        url: url.toString(),
        gitEnv: {
          GIT_CONFIG_COUNT: '2',
          GIT_CONFIG_KEY_0: 'http.followRedirects',
          GIT_CONFIG_VALUE_0: 'false',
          GIT_CONFIG_KEY_1: 'http.curloptResolve',
          GIT_CONFIG_VALUE_1: `${url.hostname.replace(/^\[|\]$/g, '')}:${port}:${pinned}`,
        },
      };
    }
    if (hop >= MAX_REDIRECTS) throw new AccountsError('import_failed', 502, 'Too many redirects.');
    const next = new URL(location, `${url.toString().replace(/\/$/, '')}${REFS_SUFFIX}`);
    if (!['http:', 'https:'].includes(next.protocol)) throw refused(`A redirect to ${next.protocol} is not followed.`);
    const target = next.toString();
    if (!target.endsWith(REFS_SUFFIX))
      throw refused('The source redirected to something that is not a git repository.');
    const base = new URL(target.slice(0, -REFS_SUFFIX.length));
    // Credentials go only where they were given.
    if (base.origin === url.origin) {
      base.username = url.username;
      base.password = url.password;
    }
    url = base;
  }
}

/** Asks for `info/refs` as git would, connecting to `address`; the redirect target, or null. */
function probeRefs(url: URL, address: string): Promise<string | null> {
  const client = url.protocol === 'https:' ? https : http;
  const target = `${url.toString().replace(/\/$/, '')}${REFS_SUFFIX}`;
  const headers: Record<string, string> = { 'User-Agent': 'git/2 (cairn import check)' };
  if (url.username) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers.Authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: 'GET',
        headers,
        timeout: PROBE_TIMEOUT_MS,
        // Connect to the checked address, whatever DNS would answer now.
        lookup: ((_host: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) =>
          opts.all
            ? cb(null, [{ address, family: net.isIP(address) }])
            : cb(null, address, net.isIP(address))) as never,
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && typeof res.headers.location === 'string') resolve(res.headers.location);
        else resolve(null); // any other answer: git itself will judge it
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) =>
      reject(new AccountsError('import_failed', 502, `Could not reach ${url.host}: ${err.message}`)),
    );
    req.end();
  });
}
