/**
 * isomorphic-git holds a whole packfile in memory while fetching, and several times its size
 * while indexing and checking it out, so a large enough clone exhausts the device. This wraps its HTTP client to count response bytes and stop with a typed
 * `RepoTooLargeError` at a limit, so a too-large clone fails clearly instead.
 */
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { RepoTooLargeError } from './errors.ts';

/**
 * Largest pack the app fetches into a tab. Measured (bench/clone-size.bench.ts, headless
 * Chromium on a 24 GB machine, packs of incompressible blobs): 64 MiB → 0.6 GB peak renderer
 * memory, 256 MiB → 1.5 GB, 512 MiB → 2.3 GB, 1 GiB → 5.4 GB, 1.5 GiB → 6.6 GB; every size up to
 * 1.5 GiB cloned, none crashed. What stops a bigger clone is the device's memory (the tab
 * needs ~4.5× the pack), and past 2 GiB the Buffer polyfill cannot hold the pack at all. 512 MiB
 * keeps the peak near 2.3 GB, which an 8 GB laptop can give a tab, with 3× margin below the
 * largest clone measured.
 */
export const CLONE_LIMIT_BYTES = 512 * 1024 * 1024;

export function limitedHttp(http: HttpClient, limitBytes = CLONE_LIMIT_BYTES): HttpClient {
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
