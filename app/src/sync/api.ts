/**
 * Calls to the server's JSON API (`/api/v1/...`), authenticated with this device's token for
 * that server. Failures are typed: `ApiError` with the server's error code and HTTP status,
 * `ServerUnreachableError` when there is no network or no server.
 */
import { CairnError } from '@cairn/core/errors';
import { ServerUnreachableError } from '../git/errors.ts';
import { getCredentials } from './credentials.ts';
import { parseRetryAfter } from './retry-after.ts';

export class ApiError extends CairnError<'api_error'> {
  constructor(
    readonly status: number,
    readonly serverCode: string,
    message: string,
    /** Seconds the server asked to wait before trying again (`Retry-After`), or null. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super('api_error', message);
    this.name = 'ApiError';
  }
}

/**
 * Marks a request as the app's own: the server then answers a 401 without a Basic challenge, so
 * the browser never opens its password dialog over the app (which would hold the request, and
 * the sync, until dismissed). The app asks for sign-in itself.
 */
export const APP_REQUEST = { 'X-Requested-With': 'cairn-app' } as const;

/** The server that served the app: the default place to sync with. */
export function defaultServer(): string {
  return globalThis.location?.origin ?? 'http://127.0.0.1:8787';
}

export async function apiFetch<T>(server: string, path: string, init: RequestInit = {}): Promise<T> {
  const credentials = await getCredentials(server);
  const headers = new Headers(init.headers);
  if (credentials && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${credentials.token}`);
  if (init.body && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  for (const [k, v] of Object.entries(APP_REQUEST)) headers.set(k, v);
  let response: Response;
  try {
    response = await fetch(`${server.replace(/\/+$/, '')}/api/v1${path}`, { ...init, headers });
  } catch (error) {
    throw new ServerUnreachableError(server, { cause: error });
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const b = (body ?? {}) as { error?: unknown; code?: unknown; message?: unknown };
    const err = (typeof b.error === 'object' && b.error ? b.error : b) as { code?: unknown; message?: unknown };
    const serverCode = typeof err.code === 'string' ? err.code : typeof b.error === 'string' ? b.error : 'http';
    const message =
      typeof err.message === 'string' ? err.message : `The server answered ${response.status} ${response.statusText}.`;
    throw new ApiError(response.status, serverCode, message, parseRetryAfter(response.headers.get('Retry-After')));
  }
  return body as T;
}
