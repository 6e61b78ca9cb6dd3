import fs from 'node:fs';
import path from 'node:path';
import type { ServerSettings } from '../config.ts';
import type { ServerContext } from '../context.ts';
import { HttpError } from '../http/http-error.ts';
import { makeAccountStore } from './store.ts';
import { newToken } from './tokens.ts';

/**
 * First start: with no users yet, creates the admin account `admin` with the password and
 * token from CAIRN_ADMIN_PASSWORD / CAIRN_ADMIN_TOKEN, or random ones printed once (on stdout,
 * not through the logger, so they never reach log files as fields). With logging silenced they
 * are written to `DATA/initial-admin.txt` (mode 0600) instead, so they are never lost.
 */
export async function ensureAdmin(
  ctx: ServerContext,
  settings: ServerSettings,
  print = (s: string) => process.stdout.write(s),
): Promise<void> {
  const accounts = makeAccountStore(ctx.sql);
  if ((await accounts.countUsers()) > 0) return;
  const password = settings.adminPassword ?? newToken().slice(6, 26);
  // Another server process sharing the database may make it first: then it is made.
  const admin = await accounts.createUser('admin', password, true).catch((err: unknown) => {
    if (err instanceof HttpError && err.code === 'name_taken') return null;
    throw err;
  });
  if (!admin) return;
  const { token } = await accounts.issueToken(
    admin.id,
    'initial admin token',
    'token',
    settings.adminToken ?? newToken(),
  );
  ctx.log.info('created the admin account', { username: 'admin' });
  if (settings.adminPassword && settings.adminToken) return;
  const text =
    `\nCairn: created the admin account.\n  user name: admin\n` +
    (settings.adminPassword ? '' : `  password:  ${password}\n`) +
    (settings.adminToken ? '' : `  token:     ${token}\n`) +
    '  (shown once; for git and DVC use the token as the password)\n\n';
  if (ctx.config.logLevel === 'silent') {
    const file = path.join(ctx.config.dataDir, 'initial-admin.txt');
    fs.writeFileSync(file, text, { mode: 0o600 });
  } else print(text);
}
