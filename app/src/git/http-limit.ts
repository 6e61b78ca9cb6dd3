/**
 * Size limits of what a tab downloads. A clone (pack-clone.ts) streams its pack to disk and
 * reads it back by range, capped at CLONE_LIMIT_BYTES (upload-pack.ts stops the download there
 * with a typed error). Later fetches
 * still go through isomorphic-git, which holds a whole packfile in memory and several times its
 * size while indexing it: `limitedHttp` wraps its HTTP client to count response bytes and stop
 * with a typed `RepoTooLargeError` at FETCH_LIMIT_BYTES, so a too-large fetch fails clearly.
 */
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { RepoTooLargeError } from './errors.ts';

/**
 * Largest pack a clone downloads into a tab: 2 GiB. The pack streams into an OPFS file in a
 * worker and is indexed and read there by range (pack-clone.ts), so a clone holds a few MiB of
 * it at a time, not the pack: measured (bench/clone-size.bench.ts, headless Chromium, packs of
 * incompressible blobs) the clone added 0.3× the pack to the tab's memory at 512 MiB, where the
 * clone that held the pack in memory added 3.2× and crashed the tab at 2000 MiB. Past 2 GiB the
 * limit is disk and patience rather than memory; a "Latest only" clone is offered for those.
 */
export const CLONE_LIMIT_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * Largest response an isomorphic-git fetch (a sync after the clone; "Fetch history" where packs
 * cannot stream into OPFS) accepts.
 * Measured through isomorphic-git's clone (bench/clone-size.bench.ts, headless Chromium on a
 * 24 GB machine, packs of incompressible blobs): 64 MiB → 0.6 GB peak renderer memory, 256 MiB →
 * 1.5 GB, 512 MiB → 2.3 GB, 1 GiB → 5.4 GB, 1.5 GiB → 6.6 GB: it needs ~4.5× the pack, and past
 * 2 GiB its Buffer polyfill cannot hold the pack at all. 512 MiB keeps the peak near 2.3 GB,
 * which an 8 GB laptop can give a tab.
 */
export const FETCH_LIMIT_BYTES = 512 * 1024 * 1024;

export function limitedHttp(http: HttpClient, limitBytes = FETCH_LIMIT_BYTES): HttpClient {
  return {
    async request(request: GitHttpRequest): Promise<GitHttpResponse> {
      const response = await http.request(request);
      const body = response.body;
      if (!body) return response;
      let total = 0;
      async function* counted(): AsyncGenerator<Uint8Array> {
        for await (const chunk of body as AsyncIterable<Uint8Array>) {
          total += chunk.byteLength;
          if (total > limitBytes) throw new RepoTooLargeError(limitBytes);
          yield chunk;
        }
      }
      return { ...response, body: counted() };
    },
  };
}
