import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../context.ts';
import type { Feature } from '../server.ts';
import { makeAccountsApi } from './api.ts';
import { ensureAdmin } from './bootstrap.ts';

/** Accounts and repositories: the first admin and the `/api/v1` endpoints of api.ts. */
export function accountsFeature(
  services: Services,
  dvcMissing: (req: IncomingMessage, res: ServerResponse, repo: { id: number }) => Promise<void>,
): Feature {
  ensureAdmin(services.ctx, services.settings);
  const api = makeAccountsApi(services, dvcMissing);
  return {
    name: 'accounts',
    routes: [{ name: 'accounts-api', match: api.match, handle: (req, res, url) => api.handle(req, res, url) }],
  };
}
