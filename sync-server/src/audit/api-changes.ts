import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientAddress } from '../http/client-address.ts';
import type { AuditLog } from './audit-log.ts';

/**
 * `recordApiChange`, which the JSON API's dispatcher (http/json-api.ts) calls after each request
 * it answered: a successful request of an audited kind is written down with the account that
 * made it, so the handlers themselves need no audit calls. Sign-ins, whose account name is in the request body,
 * are recorded by the sign-in handler; failed password checks by `auth/access.ts`; repository
 * delete, rename and copy by their handlers (repos/api.ts), which know the full and the new name.
 */
const AUDITED: Array<{ method: string; path: RegExp; action: string }> = [
  { method: 'DELETE', path: /^\/api\/v1\/session$/, action: 'sign_out' },
  { method: 'POST', path: /^\/api\/v1\/user\/tokens$/, action: 'token_created' },
  { method: 'DELETE', path: /^\/api\/v1\/user\/tokens\/\d+$/, action: 'token_revoked' },
  { method: 'POST', path: /^\/api\/v1\/users$/, action: 'user_created' },
  { method: 'POST', path: /^\/api\/v1\/repos$/, action: 'repo_created' },
  { method: 'POST', path: /^\/api\/v1\/repos\/import$/, action: 'repo_imported' },
  { method: 'PATCH', path: /^\/api\/v1\/repos\/[^/]+\/[^/]+$/, action: 'repo_settings_changed' },
  { method: 'PUT', path: /^\/api\/v1\/repos\/[^/]+\/[^/]+\/collaborators\/[^/]+$/, action: 'permission_granted' },
  { method: 'DELETE', path: /^\/api\/v1\/repos\/[^/]+\/[^/]+\/collaborators\/[^/]+$/, action: 'permission_removed' },
  { method: 'DELETE', path: /^\/api\/v1\/repos\/[^/]+\/[^/]+\/notes\/[^/]+$/, action: 'note_deleted' },
];

/** Records a successful audited API request (the response has been sent). */
export async function recordApiChange(
  audit: AuditLog,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  actor: string,
): Promise<void> {
  if (res.statusCode >= 400) return;
  const kind = AUDITED.find((a) => a.method === req.method && a.path.test(pathname));
  if (!kind) return;
  await audit.record({
    action: kind.action,
    actor,
    target: pathname.replace(/^\/api\/v1\//, ''),
    address: clientAddress(req),
    detail: { status: res.statusCode },
  });
}
