/**
 * isomorphic-git's fetch needs the server to advertise HEAD: when it names no `symref` for
 * HEAD it looks HEAD up among the advertised refs and throws "Could not find HEAD." — after
 * downloading the pack, before writing it. A server whose HEAD names a missing branch
 * advertises no HEAD at all (git upload-pack skips it), so nothing could ever be fetched from
 * it. This wraps the HTTP client: a ref advertisement without a HEAD line gets one, pointing
 * at the commit of the ref being fetched, so the fetch goes through. The made-up HEAD is only
 * ever written as `refs/remotes/origin/HEAD`, which read-refs.ts ignores.
 */
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function pktLine(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  const len = (bytes.length + 4).toString(16).padStart(4, '0');
  const out = new Uint8Array(bytes.length + 4);
  out.set(encoder.encode(len));
  out.set(bytes, 4);
  return out;
}

interface Pkt {
  /** null for a flush packet (`0000`). */
  data: Uint8Array | null;
}

function parsePkts(bytes: Uint8Array): Pkt[] | null {
  const pkts: Pkt[] = [];
  let at = 0;
  while (at + 4 <= bytes.length) {
    const len = Number.parseInt(decoder.decode(bytes.subarray(at, at + 4)), 16);
    if (!Number.isFinite(len)) return null;
    if (len === 0) {
      pkts.push({ data: null });
      at += 4;
      continue;
    }
    if (len < 4 || at + len > bytes.length) return null;
    pkts.push({ data: bytes.subarray(at + 4, at + len) });
    at += len;
  }
  return at === bytes.length ? pkts : null;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The advertisement with a HEAD line added when it has none (protocol v1, smart HTTP). Any
 * other shape — an empty repository, protocol v2, a body that is not pkt-lines — is returned
 * unchanged. `anchor` is the full ref name whose commit HEAD should point at.
 */
export function addHeadToAdvertisement(body: Uint8Array, anchor: string): Uint8Array {
  const pkts = parsePkts(body);
  if (!pkts) return body;
  // `# service=git-upload-pack`, flush, then the refs (the first carries the capabilities).
  const first = pkts.findIndex((p, i) => i > 0 && pkts[i - 1]?.data === null && p.data !== null);
  if (first < 0) return body;
  const lines = pkts.slice(first).map((p) => (p.data ? decoder.decode(p.data) : null));
  const firstLine = lines[0] as string;
  const nul = firstLine.indexOf('\0');
  if (nul < 0) return body;
  const refOf = (line: string) => line.replace(/\n$/, '').split('\0')[0]?.split(' ') ?? [];
  if (lines.some((l) => l !== null && refOf(l)[1] === 'HEAD')) return body;
  const target = lines.find((l) => l !== null && refOf(l)[1] === anchor);
  const oid = target ? refOf(target)[0] : undefined;
  if (!oid || !/^[0-9a-f]{40}$/.test(oid) || /^0{40}$/.test(oid)) return body;
  const caps = firstLine.slice(nul + 1);
  const rewritten = [
    ...pkts.slice(0, first).map((p) => (p.data ? pktLine(decoder.decode(p.data)) : encoder.encode('0000'))),
    pktLine(`${oid} HEAD\0${caps}`),
    pktLine(`${firstLine.slice(0, nul)}\n`),
    ...pkts.slice(first + 1).map((p) => (p.data ? pktLine(decoder.decode(p.data)) : encoder.encode('0000'))),
  ];
  return concat(rewritten);
}

/** `http`, with a HEAD line added to ref advertisements that lack one (see above). */
export function withAdvertisedHead(http: HttpClient, anchor: string): HttpClient {
  return {
    async request(request: GitHttpRequest): Promise<GitHttpResponse> {
      const response = await http.request(request);
      const isAdvertisement =
        (request.method ?? 'GET') === 'GET' && /\/info\/refs\?service=git-upload-pack$/.test(request.url);
      if (!isAdvertisement || !response.body || response.statusCode !== 200) return response;
      const chunks: Uint8Array[] = [];
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) chunks.push(chunk);
      const body = addHeadToAdvertisement(concat(chunks), anchor);
      return {
        ...response,
        body: (async function* () {
          yield body;
        })(),
      };
    },
  };
}
