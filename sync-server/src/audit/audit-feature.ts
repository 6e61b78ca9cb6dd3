import type { IncomingMessage, ServerResponse } from 'node:http';
import { getAccess } from '../auth/access.ts';
import { clientAddress } from '../auth/sign-in-limits.ts';
import type { Feature } from '../cairn.ts';
import type { ServerContext } from '../context.ts';
import { sendError, sendJson } from '../http/respond.ts';
import { getAuditLog } from './audit-log.ts';

/**
 * Serves the audit log to site admins (`GET /api/v1/admin/audit?limit=&before=&action=`), and
 * `recordApiChange`, which the API's dispatcher calls after each request it answered: a
 * successful request of an audited kind is written down with the account that made it, so the
 * handlers themselves need no audit calls. Sign-ins, whose account name is in the request body,
 * are recorded by the sign-in handler; failed password checks by `auth/access.ts`.
 */
const AUDITED: Array<{ method: string; path: RegExp; action: string }> = [
  { method: 'DELETE', path: /^\/api\/v1\/session$/, action: 'sign_out' },
  { method: 'POST', path: /^\/api\/v1\/user\/tokens$/, action: 'token_created' },
  { method: 'DELETE', path: /^\/api\/v1\/user\/tokens\/\d+$/, action: 'token_revoked' },
  { method: 'POST', path: /^\/api\/v1\/users$/, action: 'user_created' },
  { method: 'POST', path: /^\/api\/v1\/repos$/, action: 'repo_created' },
  { method: 'POST', path: /^\/api\/v1\/repos\/import$/, action: 'repo_imported' },
  { method: 'PATCH', path: /^\/api\/v1\/repos\/[^/]+\/[^/]+$/, action: 'repo_settings_changed' },
  { method: 'DELETE', path: /^\/api\/v1\/repos\/[^/]+\/[^/]+$/, action: 'repo_deleted' },
  { method: 'POST', path: /^\/api\/v1\/repos\/[^/]+\/[^/]+\/(rename|transfer)$/, action: 'repo_renamed' },
  { method: 'PUT', path: /^\/api\/v1\/repos\/[^/]+\/[^/]+\/collaborators\/[^/]+$/, action: 'permission_granted' },
  { method: 'DELETE', path: /^\/api\/v1\/repos\/[^/]+\/[^/]+\/collaborators\/[^/]+$/, action: 'permission_removed' },
];

const MAX_PAGE = 500;

/** Records a successful audited API request (the response has been sent). */
export function recordApiChange(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  actor: string,
): void {
  if (res.statusCode >= 400) return;
  const kind = AUDITED.find((a) => a.method === req.method && a.path.test(pathname));
  if (!kind) return;
  getAuditLog(ctx).record({
    action: kind.action,
    actor,
    target: pathname.replace(/^\/api\/v1\//, ''),
    address: clientAddress(req),
    detail: { status: res.statusCode },
  });
}

export function auditFeature(ctx: ServerContext): Feature {
  const audit = getAuditLog(ctx);
  const access = getAccess(ctx);
  return {
    name: 'audit',
    routes: [
      {
        name: 'audit',
        match: (pathname) => pathname === '/api/v1/admin/audit',
        handle(req, res, url) {
          const who = access.authenticate(req, url);
          if (!who || 'invalid' in who) return sendError(res, 401, 'unauthorized', 'Sign in as a site admin.');
          if (!who.isAdmin) return sendError(res, 403, 'forbidden', 'Only site admins read the audit log.');
          if (req.method !== 'GET') return sendError(res, 405, 'method_not_allowed', 'GET only.', { Allow: 'GET' });
          const limit = Math.min(MAX_PAGE, Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100));
          const before = Number(url.searchParams.get('before') ?? '') || undefined;
          const action = url.searchParams.get('action') ?? undefined;
          const events = audit.list({ limit, ...(before ? { before } : {}), ...(action ? { action } : {}) });
          const last = events.at(-1);
          sendJson(res, 200, { events, next: events.length === limit && last ? last.id : null });
        },
      },
    ],
  };
}
