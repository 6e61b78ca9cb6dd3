import type { IncomingMessage, ServerResponse } from 'node:http';
import { AccountsError } from '../accounts/errors.ts';
import { isRecord, readJsonBody } from '../accounts/json-body.ts';
import { makeAccountStore } from '../accounts/store.ts';
import { getAuditLog } from '../audit/audit-log.ts';
import { getAccess, type Principal } from '../auth/access.ts';
import { clientAddress } from '../auth/sign-in-limits.ts';
import type { Feature } from '../cairn.ts';
import type { ServerContext } from '../context.ts';
import { sendError, sendJson } from '../http/respond.ts';
import { deleteRepository, migrateRepoRedirects, redirectOf, renameRepository } from './repo-lifecycle.ts';
import { makeRepoStore, type RepoRow } from './store.ts';

/**
 * Repository delete, rename/transfer and the redirects of old names (repo-lifecycle.ts):
 *
 *   DELETE /api/v1/repos/O/R {confirm: "O/R"}        → 204   repository admins; the full name
 *          must be typed back (or `?confirm=O/R`), as GitHub asks
 *   POST   /api/v1/repos/O/R/rename {name?, owner?}  → 200 {owner, name, fullName}
 *          repository admins; moving to another owner needs to be that owner or a site admin
 *
 * Mounted before the accounts API and the git/DVC/MLflow routes: a request for an old name that
 * no repository holds now is redirected (308, method kept; app pages 301) to the new name —
 * only for callers who may read the repository, so a redirect never reveals a private one.
 */
const API_REPO = /^\/api\/v1\/repos\/([^/]+)\/([^/]+)(\/.*)?$/;
const TOOL_URL = /^\/([^/]+)\/([^/]+?)(\.git|\.dvc|\.mlflow)(\/.*)?$/;
const APP_PAGE = /^\/([^/]+)\/([^/]+)(\/.*)?$/;
const NOT_OWNERS = new Set(['api', 'yjs', 'assets', 'healthz', 'metrics']);
const MAX_JSON = 64 * 1024;

export function repoLifecycleFeature(ctx: ServerContext): Feature {
  const { db } = ctx;
  migrateRepoRedirects(db);
  const access = getAccess(ctx);
  const repos = makeRepoStore(db);
  const accounts = makeAccountStore(db);
  const audit = getAuditLog(ctx);
  const redirects = new WeakMap<IncomingMessage, { location: string; status: number }>();

  /** The caller, or an answer already sent (401 for bad or missing credentials). */
  const signedIn = (req: IncomingMessage, res: ServerResponse, url: URL): Principal | null => {
    const who = access.authenticate(req, url);
    if (!who || 'invalid' in who) {
      sendError(res, 401, who ? 'invalid_credentials' : 'unauthorized', 'Sign in to change repositories.');
      return null;
    }
    return who;
  };
  const adminRepo = (req: IncomingMessage, res: ServerResponse, url: URL, owner: string, name: string) => {
    const who = signedIn(req, res, url);
    if (!who) return null;
    const r = access.authorizeRepo(who, owner, name, 'admin');
    if (!r.ok) {
      sendError(res, r.status, r.code, r.message);
      return null;
    }
    return { who, repo: repos.find(r.repo.owner, r.repo.name) as RepoRow };
  };
  const body = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    if (!req.headers['content-type'] && !req.headers['content-length'] && !req.headers['transfer-encoding']) return {};
    const b = await readJsonBody(req, MAX_JSON);
    if (!isRecord(b)) throw new AccountsError('bad_request', 400, 'The body must be a JSON object.');
    return b;
  };
  const answerError = (res: ServerResponse, err: unknown) => {
    if (err instanceof AccountsError) return sendError(res, err.status, err.code, err.message);
    throw err;
  };

  const byId = (id: number): RepoRow | null => {
    const row = db
      .prepare(
        'SELECT u.username AS owner, r.name AS name FROM repositories r JOIN users u ON u.id = r.owner_id WHERE r.id = ?',
      )
      .get(id) as { owner: string; name: string } | undefined;
    return row ? repos.find(row.owner, row.name) : null;
  };

  /** Where an old name's request should go, or null to let the normal routes answer. */
  const redirectFor = (req: IncomingMessage, pathname: string): { location: string; status: number } | null => {
    let owner: string;
    let name: string;
    let build: (r: RepoRow) => string;
    let status = 308;
    const api = API_REPO.exec(pathname);
    const tool = api ? null : TOOL_URL.exec(pathname);
    const page = api || tool || !['GET', 'HEAD'].includes(req.method ?? '') ? null : APP_PAGE.exec(pathname);
    if (api) {
      [, owner, name] = api as unknown as [string, string, string];
      build = (r) => `/api/v1/repos/${r.owner}/${r.name}${api[3] ?? ''}`;
    } else if (tool) {
      [, owner, name] = tool as unknown as [string, string, string];
      build = (r) => `/${r.owner}/${r.name}${tool[3]}${tool[4] ?? ''}`;
    } else if (page && !NOT_OWNERS.has((page[1] as string).toLowerCase())) {
      [, owner, name] = page as unknown as [string, string, string];
      build = (r) => `/${r.owner}/${r.name}${page[3] ?? ''}`;
      status = 301;
    } else return null;
    const id = redirectOf(db, owner, name);
    if (id === null || repos.find(owner, name)) return null;
    const target = byId(id);
    if (!target) return null;
    const who = access.authenticate(req, new URL(`http://x${pathname}`));
    const principal = who && !('invalid' in who) ? who : null;
    if (!access.authorizeRepo(principal, target.owner, target.name, 'read').ok) return null;
    return { location: build(target), status };
  };

  return {
    name: 'repo-lifecycle',
    routes: [
      {
        name: 'repo-delete',
        match: (pathname, req) =>
          req.method === 'DELETE' && API_REPO.exec(pathname)?.[3] === undefined && API_REPO.test(pathname),
        async handle(req, res, url) {
          const [, owner, name] = API_REPO.exec(url.pathname) as unknown as [string, string, string];
          const found = adminRepo(req, res, url, owner, name);
          if (!found) return;
          try {
            const b = await body(req);
            const fullName = `${found.repo.owner}/${found.repo.name}`;
            const confirm = typeof b.confirm === 'string' ? b.confirm : url.searchParams.get('confirm');
            if (confirm !== fullName) {
              return sendError(
                res,
                400,
                'confirmation_required',
                `Deleting ${fullName} removes its code, data, runs and notes. Send {"confirm": "${fullName}"} to go ahead.`,
              );
            }
            await deleteRepository(db, ctx.config.dataDir, found.repo);
            audit.record({
              action: 'repo_deleted',
              actor: found.who.username,
              target: fullName,
              address: clientAddress(req),
            });
            ctx.log.info('repository deleted', { repo: fullName, by: found.who.username });
            res.writeHead(204).end();
          } catch (err) {
            answerError(res, err);
          }
        },
      },
      {
        name: 'repo-rename',
        match: (pathname, req) => req.method === 'POST' && API_REPO.exec(pathname)?.[3] === '/rename',
        async handle(req, res, url) {
          const [, owner, name] = API_REPO.exec(url.pathname) as unknown as [string, string, string];
          const found = adminRepo(req, res, url, owner, name);
          if (!found) return;
          try {
            const b = await body(req);
            const newName = b.name === undefined ? found.repo.name : b.name;
            const newOwner = b.owner === undefined ? found.repo.owner : b.owner;
            if (typeof newName !== 'string' || typeof newOwner !== 'string') {
              throw new AccountsError('bad_request', 400, '"name" and "owner" must be strings.');
            }
            const owner = accounts.findUser(newOwner);
            if (!owner) throw new AccountsError('not_found', 404, `No user ${newOwner}.`);
            if (owner.id !== found.repo.ownerId && owner.id !== found.who.userId && !found.who.isAdmin) {
              throw new AccountsError(
                'forbidden',
                403,
                `Only ${owner.username} or a site admin may move a repository to ${owner.username}.`,
              );
            }
            const from = `${found.repo.owner}/${found.repo.name}`;
            renameRepository(db, found.repo, { ownerId: owner.id, owner: owner.username, name: newName });
            const to = `${owner.username}/${newName}`;
            audit.record({
              action: 'repo_renamed',
              actor: found.who.username,
              target: from,
              address: clientAddress(req),
              detail: { to },
            });
            sendJson(res, 200, { owner: owner.username, name: newName, fullName: to });
          } catch (err) {
            answerError(res, err);
          }
        },
      },
      {
        name: 'repo-redirect',
        match(pathname, req) {
          const r = redirectFor(req, pathname);
          if (r) redirects.set(req, r);
          return r !== null;
        },
        handle(req, res, url) {
          const r = redirects.get(req) as { location: string; status: number };
          res.writeHead(r.status, { Location: `${r.location}${url.search}`, 'Content-Length': 0 }).end();
        },
      },
    ],
  };
}
