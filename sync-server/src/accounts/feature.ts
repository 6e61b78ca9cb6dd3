import type { Services } from '../context.ts';
import { makeJsonApi } from '../http/json-api.ts';
import type { Feature } from '../server.ts';
import { accountRoutes } from './api.ts';
import { ensureAdmin } from './bootstrap.ts';

/** Accounts: the first admin and the accounts endpoints of the JSON API (api.ts). */
export async function accountsFeature(services: Services): Promise<Feature> {
  await ensureAdmin(services.ctx, services.settings);
  return {
    name: 'accounts',
    // Signing in must work even if the app still holds an old, revoked token.
    routes: [makeJsonApi('accounts-api', services, accountRoutes(services), ['POST /session'])],
  };
}
