import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '../http/respond.ts';

/**
 * The challenge a 401 carries: `WWW-Authenticate: Basic` so git, DVC and MLflow clients prompt
 * for (or send) credentials; the realm names the server, never the repository. Requests that say
 * `X-Requested-With` (the Cairn app's own) get none, so the browser never opens its Basic-auth
 * dialog over the app — the app asks for sign-in itself.
 */
export function challengeFor(req: IncomingMessage | undefined): Record<string, string> {
  return req?.headers['x-requested-with'] ? {} : { 'WWW-Authenticate': 'Basic realm="Cairn", charset="UTF-8"' };
}

/** Answers a refused request (a 401 with the challenge of `challengeFor`). */
export function refuse(res: ServerResponse, status: 401 | 403 | 404, code: string, message: string): void {
  sendError(res, status, code, message, status === 401 ? challengeFor(res.req) : {});
}

/** Refusal for credentials that were offered but are wrong, expired or revoked. */
export function refuseInvalidCredentials(res: ServerResponse): void {
  refuse(res, 401, 'invalid_credentials', 'The user name, password or token is wrong, expired or revoked.');
}
