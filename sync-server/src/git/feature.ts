import { accountSettingsFromEnv } from '../accounts/settings.ts';
import type { Feature } from '../cairn.ts';
import type { ServerContext } from '../context.ts';
import { getImporter } from '../repos/importer-of.ts';
import { makeGitHandler, matchesGitUrl } from './git-route.ts';

/** Git smart HTTP (`/owner/repo.git/…`) and the periodic sync of connected (mirrored) repositories. */
export function gitFeature(ctx: ServerContext): Feature {
  const settings = accountSettingsFromEnv(ctx.config.env);
  const importer = getImporter(ctx);
  const git = makeGitHandler(ctx, settings, importer);
  let timer: NodeJS.Timeout | null = null;
  let syncing = false;

  const syncConnected = async () => {
    if (syncing) return;
    syncing = true;
    try {
      for (const id of importer.connectedRepoIds()) await importer.sync({ id });
    } catch (err) {
      ctx.log.error('periodic repository sync failed', { error: String(err) });
    } finally {
      syncing = false;
    }
  };

  return {
    name: 'git',
    routes: [{ name: 'git', match: matchesGitUrl, handle: (req, res, url) => git.handle(req, res, url) }],
    start() {
      timer = setInterval(() => void syncConnected(), settings.importIntervalSeconds * 1000);
      timer.unref();
    },
    close() {
      if (timer) clearInterval(timer);
      importer.abortAll();
      git.backend.killAll();
    },
  };
}
