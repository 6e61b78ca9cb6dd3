import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Access } from '../auth/access.ts';
import { refuse, refuseInvalidCredentials } from '../auth/refuse.ts';
import type { ServerSettings } from '../config.ts';
import type { ServerContext } from '../context.ts';
import { type DbLocks, repoWriteLock } from '../db/db-locks.ts';
import { sendError } from '../http/respond.ts';
import { type Routes, route, sendMethodNotAllowed } from '../http/router.ts';
import { repairHead } from '../repos/default-branch.ts';
import { gitDirOf, gitRoot } from '../repos/git-dir.ts';
import type { Importer } from '../repos/import.ts';
import { makeGitBackend } from './http-backend.ts';

/**
 * Git smart HTTP at `/owner/repo.git/…`: `info/refs`, `git-upload-pack` (clone, fetch,
 * shallow) and `git-receive-pack` (push, needs write). Everything else — the dumb protocol,
 * other files of the repository folder — is refused, so nothing but git's own protocol is
 * reachable. A client without credentials is asked for them (401 + Basic challenge). After a
 * push, HEAD is repaired (repos/default-branch.ts) so clones always check out a branch.
 */
const GIT_URL = /^\/([^/]+)\/([^/]+)\.git(\/.*)?$/;

/** git's smart protocol, and nothing else of the repository folder; push needs write. */
const SMART_PATHS: Routes<{ write?: boolean }> = [
  ['GET', /^\/info\/refs$/, {}],
  ['POST', /^\/git-upload-pack$/, {}],
  ['POST', /^\/git-receive-pack$/, { write: true }],
  ['GET', /^\/HEAD$/, {}],
];

export function matchesGitUrl(pathname: string): boolean {
  return GIT_URL.test(pathname);
}

export function makeGitHandler(
  ctx: ServerContext,
  settings: ServerSettings,
  importer: Importer,
  access: Access,
  locks: DbLocks,
) {
  const backend = makeGitBackend(ctx.log);

  return {
    backend,
    async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
      const m = GIT_URL.exec(url.pathname);
      if (!m) return sendError(res, 404, 'not_found', 'Not a git URL.');
      const [, owner, name, rest = ''] = m as unknown as [string, string, string, string | undefined];
      const found = route(SMART_PATHS, req.method ?? 'GET', rest);
      if (!found) {
        return sendError(
          res,
          404,
          'git_not_found',
          'This server speaks git smart HTTP only (info/refs, git-upload-pack, git-receive-pack).',
        );
      }
      if ('allow' in found) return sendMethodNotAllowed(res, found.allow, `${rest} answers ${found.allow}.`);
      const spec = found.handler;
      const service = url.searchParams.get('service');
      if (
        rest === '/info/refs' &&
        service !== null &&
        service !== 'git-upload-pack' &&
        service !== 'git-receive-pack'
      ) {
        return sendError(res, 403, 'git_bad_service', `Unknown git service ${JSON.stringify(service.slice(0, 40))}.`);
      }
      const write = spec.write === true || service === 'git-receive-pack';

      const who = await access.authenticate(req, url);
      if (who && 'invalid' in who) return refuseInvalidCredentials(res);
      const auth = await access.authorizeRepo(who, owner, name, write ? 'write' : 'read');
      if (!auth.ok) return refuse(res, auth.status, auth.code, auth.message);
      if (write && (await importer.isMirror(auth.repo.id))) {
        return sendError(
          res,
          403,
          'mirror_read_only',
          `${owner}/${name} mirrors another repository; push to its source.`,
        );
      }
      const dir = gitDirOf(ctx.config.dataDir, auth.repo.id);
      if (!fs.existsSync(dir)) {
        return sendError(res, 503, 'repo_not_ready', `${owner}/${name} is still being created or imported.`, {
          'Retry-After': '5',
        });
      }
      if (backend.active >= settings.maxGitProcesses) {
        return sendError(
          res,
          503,
          'too_many_git_requests',
          'The server is busy with other git requests; retry shortly.',
          {
            'Retry-After': '1',
          },
        );
      }
      const push = rest === '/git-receive-pack';
      const serve = () =>
        backend.serve(req, res, url, {
          projectRoot: gitRoot(ctx.config.dataDir),
          pathInfo: `/${auth.repo.id}.git${rest}`,
          remoteUser: who?.username ?? null,
          // After a push: the first branch of an empty repository becomes its default, and a
          // deleted default branch is replaced, before the pusher's request returns.
          afterGit: push
            ? async () => {
                const { defaultBranch, changed } = await repairHead(dir);
                if (changed) ctx.log.info('default branch set after a push', { repo: auth.repo.id, defaultBranch });
              }
            : undefined,
        });
      // One push per repository at a time across every process sharing the database: a second
      // push waits for the first (and its HEAD repair) to end, rather than both writing the folder.
      if (push) await locks.withLock(repoWriteLock(auth.repo.id), serve);
      else await serve();
    },
  };
}
