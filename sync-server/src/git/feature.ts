import fs from 'node:fs';
import type { Services } from '../context.ts';
import { repairHead } from '../repos/default-branch.ts';
import { gitDirOf } from '../repos/git-dir.ts';
import type { Feature } from '../server.ts';
import { makeGitHandler, matchesGitUrl } from './git-route.ts';

/**
 * Git smart HTTP (`/owner/repo.git/…`), the periodic sync of connected (mirrored) repositories,
 * and, at start, a repair of any repository whose HEAD names no existing branch. With several
 * processes on one database, each background round runs in one process at a time (db/db-locks.ts):
 * a process whose timer fires while another is syncing skips its round.
 */
export function gitFeature({ ctx, settings, importer, access, repos, locks }: Services): Feature {
  const git = makeGitHandler(ctx, settings, importer, access, locks);
  let timer: NodeJS.Timeout | null = null;
  const intervalMs = settings.importIntervalSeconds * 1000;

  const syncConnected = async () => {
    try {
      await locks.ifFree('background:mirror-sync', async () => {
        for (const id of await importer.dueRepoIds(intervalMs)) await importer.sync({ id });
      });
    } catch (err) {
      ctx.log.error('periodic repository sync failed', { error: String(err) });
    }
  };

  // Repositories pushed to before HEAD was repaired after pushes (or changed by hand) may name a
  // branch that does not exist: fix them once at start, in the background, one at a time.
  const repairExistingHeads = async () => {
    for (const repo of await repos.listVisible(null, true)) {
      const dir = gitDirOf(ctx.config.dataDir, repo.id);
      if (!fs.existsSync(dir)) continue;
      try {
        const { defaultBranch, changed } = await repairHead(dir);
        if (changed) ctx.log.info('default branch repaired at start', { repo: repo.id, defaultBranch });
      } catch (err) {
        ctx.log.error('could not check the default branch', { repo: repo.id, error: String(err) });
      }
    }
  };

  return {
    name: 'git',
    routes: [{ name: 'git', match: matchesGitUrl, handle: (req, res, url) => git.handle(req, res, url) }],
    gauges: [
      {
        name: 'cairn_git_processes',
        help: 'git processes serving clones, fetches and pushes now.',
        read: () => git.backend.active,
      },
    ],
    start() {
      locks
        .ifFree('background:repair-heads', repairExistingHeads)
        .catch((err: unknown) =>
          ctx.log.error('could not list repositories to check their default branch', { error: String(err) }),
        );
      timer = setInterval(() => void syncConnected(), intervalMs);
      timer.unref();
    },
    close() {
      if (timer) clearInterval(timer);
      importer.abortAll();
      git.backend.killAll();
    },
  };
}
