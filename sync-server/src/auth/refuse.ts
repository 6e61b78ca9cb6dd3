import type { ServerResponse } from 'node:http';
import { sendError } from '../http/respond.ts';

/**
 * Answers a refused request. A 401 always carries `WWW-Authenticate: Basic` so git and DVC
 * prompt for (or send) credentials; the realm names the server, never the repository.
 */
export function refuse(res: ServerResponse, status: 401 | 403 | 404, code: string, message: string): void {
  sendError(
    res,
    status,
    code,
    message,
    status === 401 ? { 'WWW-Authenticate': 'Basic realm="Cairn", charset="UTF-8"' } : {},
  );
}

/** Refusal for credentials that were offered but are wrong, expired or revoked. */
export function refuseInvalidCredentials(res: ServerResponse): void {
  refuse(res, 401, 'invalid_credentials', 'The user name, password or token is wrong, expired or revoked.');
}
