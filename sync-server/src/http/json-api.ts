import type { IncomingMessage, ServerResponse } from 'node:http';
import { recordApiChange } from '../audit/api-changes.ts';
import type { Principal } from '../auth/access.ts';
import type { Services } from '../context.ts';
import type { Route } from '../server.ts';
import { HttpError } from './http-error.ts';
import { isRecord, readJsonBody } from './json-body.ts';
import { sendError, sendHttpError } from './respond.ts';
import { type Routes, route, sendMethodNotAllowed } from './router.ts';

/**
 * Cairn's JSON API under `/api/v1` (token auth: Bearer, Basic or `?token=`), shared by the
 * accounts endpoints (accounts/api.ts) and the repository endpoints (repos/api.ts): each mounts
 * its own table through `makeJsonApi`. Errors are `{error: {code, message}}` (HttpError). API
 * 401s carry no Basic challenge, so a browser never pops up its own password dialog over the app.
 */

export type ApiHandler = (a: {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  who: Principal | null;
  params: string[];
}) => Promise<void> | void;

export const API_PREFIX = '/api/v1';
/** A path segment (owner, repository, user name) in an endpoint pattern. */
export const SEGMENT = '[^/]+';
const MAX_JSON = 64 * 1024;

/** The caller, or 401 for an endpoint that needs one. */
export function signedIn(who: Principal | null): Principal {
  if (!who) throw new HttpError('unauthorized', 401, 'Sign in (send an access token) to use this endpoint.');
  return who;
}

/** The request's JSON object body (400 for anything else). */
export async function objectBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const b = await readJsonBody(req, MAX_JSON);
  if (!isRecord(b)) throw new HttpError('bad_request', 400, 'The body must be a JSON object.');
  return b;
}

/**
 * Like objectBody, but a request that sends no body at all reads as `{}` (a DELETE whose
 * confirmation may come in the query string instead).
 */
export async function optionalObjectBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!req.headers['content-type'] && !req.headers['content-length'] && !req.headers['transfer-encoding']) return {};
  return objectBody(req);
}

/** A string field of a body (400 when it is not one). */
export function stringField(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string') throw new HttpError('bad_request', 400, `"${key}" must be a string.`);
  return v;
}

/**
 * A route serving `routes` under /api/v1. `publicRoutes` (`METHOD /path`) answer even a request
 * whose token is wrong or revoked, as an anonymous one. Each answered request of an audited kind
 * is written to the audit log (audit/api-changes.ts), so handlers need no
 * audit calls of their own.
 */
export function makeJsonApi(
  name: string,
  { access, audit }: Pick<Services, 'access' | 'audit'>,
  routes: Routes<ApiHandler>,
  publicRoutes: string[] = [],
): Route {
  const subOf = (pathname: string) =>
    pathname.startsWith(`${API_PREFIX}/`) ? pathname.slice(API_PREFIX.length) : null;
  return {
    name,
    match: (pathname) => {
      const sub = subOf(pathname);
      return sub !== null && routes.some(([, re]) => re.test(sub));
    },
    async handle(req, res, url) {
      const sub = subOf(url.pathname);
      const found = sub === null ? null : route(routes, req.method ?? 'GET', sub);
      if (!found || sub === null) return sendError(res, 404, 'not_found', `No API endpoint at ${url.pathname}`);
      if ('allow' in found) return sendMethodNotAllowed(res, found.allow, `${url.pathname} answers ${found.allow}.`);
      try {
        const who = await access.authenticate(req, url);
        if (who && 'invalid' in who && !publicRoutes.includes(`${req.method} ${sub}`)) {
          throw new HttpError('invalid_credentials', 401, 'The token or password is wrong, expired or revoked.');
        }
        const principal = who && 'invalid' in who ? null : who;
        await found.handler({ req, res, url, who: principal, params: found.params });
        await recordApiChange(audit, req, res, url.pathname, principal?.username ?? '');
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        sendHttpError(res, err);
      }
    },
  };
}
