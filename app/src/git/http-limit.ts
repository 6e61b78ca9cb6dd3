/**
 * isomorphic-git holds a whole packfile in memory while fetching; past a few hundred MB the tab
 * crashes. This wraps its HTTP client to count response bytes and stop with a typed
 * `RepoTooLargeError` at a limit, so a too-large clone fails clearly instead.
 */
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { RepoTooLargeError } from './errors.ts';

/** Largest pack the app fetches into a tab (measured headroom on Chromium's ~4 GB heap). */
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
