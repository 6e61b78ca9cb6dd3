import type { Services } from '../context.ts';
import { HttpError } from '../http/http-error.ts';
import { makeJsonApi } from '../http/json-api.ts';
import { sendJson } from '../http/respond.ts';
import type { Feature } from '../server.ts';

/**
 * Serves the audit log (audit-log.ts) to site admins: `GET /api/v1/admin/audit?limit=&before=&action=`,
 * newest first, paged by `next`. What is written to it: api-changes.ts.
 */
const MAX_PAGE = 500;

/** `GET /api/v1/admin/audit`: site admins only. */
export function auditFeature(services: Services): Feature {
  const { audit } = services;
  return {
    name: 'audit',
    routes: [
      makeJsonApi('audit-api', services, [
        [
          'GET',
          /^\/admin\/audit$/,
          async ({ res, url, who }) => {
            if (!who) throw new HttpError('unauthorized', 401, 'Sign in as a site admin.');
            if (!who.isAdmin) throw new HttpError('forbidden', 403, 'Only site admins read the audit log.');
            const limit = Math.min(MAX_PAGE, Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100));
            const before = Number(url.searchParams.get('before') ?? '') || undefined;
            const action = url.searchParams.get('action') ?? undefined;
            const events = await audit.list({ limit, ...(before ? { before } : {}), ...(action ? { action } : {}) });
            const last = events.at(-1);
            sendJson(res, 200, { events, next: events.length === limit && last ? last.id : null });
          },
        ],
      ]),
    ],
  };
}
