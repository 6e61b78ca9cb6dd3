import type { Feature } from '../cairn.ts';
import type { ServerContext } from '../context.ts';
import { getDvcRemote } from '../dvc-remote/feature.ts';
import { getImporter } from '../repos/importer-of.ts';
import { makeAccountsApi } from './api.ts';
import { ensureAdmin } from './bootstrap.ts';
import { migrateAccounts } from './schema.ts';
import { accountSettingsFromEnv } from './settings.ts';

/** Accounts and repositories: tables, the first admin, and the `/api/v1` endpoints of api.ts. */
export function accountsFeature(ctx: ServerContext): Feature {
  migrateAccounts(ctx.db);
  ensureAdmin(ctx, accountSettingsFromEnv(ctx.config.env));
  const dvc = getDvcRemote(ctx);
  const api = makeAccountsApi(ctx, getImporter(ctx), (req, res, repo) => dvc.missing(req, res, repo));
  return {
    name: 'accounts',
    routes: [{ name: 'accounts-api', match: api.match, handle: (req, res, url) => api.handle(req, res, url) }],
  };
}
