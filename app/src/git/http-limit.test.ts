import type { GitHttpResponse, HttpClient } from 'isomorphic-git';
import { describe, expect, it } from 'vitest';
import { RepoTooLargeError } from './errors.ts';
import { limitedHttp } from './http-limit.ts';

function serving(pieces: number, pieceBytes: number): HttpClient {
  return {
    async request(): Promise<GitHttpResponse> {
      async function* body() {
        for (let i = 0; i < pieces; i++) yield new Uint8Array(pieceBytes);
      }
      return { url: 'http://x', method: 'POST', statusCode: 200, statusMessage: 'OK', headers: {}, body: body() };
    },
  };
}

async function drain(response: GitHttpResponse): Promise<number> {
  let total = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) total += chunk.byteLength;
  return total;
}

describe('the clone size limit', () => {
  it('passes responses under the limit through unchanged', async () => {
    const http = limitedHttp(serving(4, 1000), 10_000);
    expect(await drain(await http.request({ url: 'http://x' }))).toBe(4000);
  });

  it('stops a response over the limit with a typed error instead of buffering it', async () => {
    const http = limitedHttp(serving(100, 1000), 10_000);
    const error = await drain(await http.request({ url: 'http://x' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepoTooLargeError);
    expect((error as RepoTooLargeError).code).toBe('repo_too_large');
    expect((error as RepoTooLargeError).message).toMatch(/Clone it with git/);
  });
});
