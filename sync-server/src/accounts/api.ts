import type { IncomingMessage, ServerResponse } from 'node:http';
import { recordApiChange } from '../audit/audit-feature.ts';
import { getAuditLog } from '../audit/audit-log.ts';
import { getAccess, type Permission, type Principal } from '../auth/access.ts';
import { clientAddress, getSignInLimits } from '../auth/sign-in-limits.ts';
import type { ServerContext } from '../context.ts';
import { sendError, sendJson } from '../http/respond.ts';
import { createRepository } from '../repos/create-repo.ts';
import { readDefaultBranch, setDefaultBranch } from '../repos/default-branch.ts';
import { gitDirOf } from '../repos/git-dir.ts';
import type { Importer, ImportMode } from '../repos/import.ts';
import { makeRepoStore, type RepoRow } from '../repos/store.ts';
import { AccountsError } from './errors.ts';
import { isRecord, readJsonBody } from './json-body.ts';
import { verifyPassword } from './passwords.ts';
import { makeAccountStore } from './store.ts';

/**
 * Cairn's JSON API for accounts and repositories, under `/api/v1` (token auth: Bearer, Basic
 * or `?token=`). Errors are `{error: {code, message}}`. API 401s carry no Basic challenge, so a
 * browser never pops up its own password dialog over the app.
 *
 *   POST   /session {username, password}        → 201 {token, user}   app sign-in (30-day session)
 *   DELETE /session                              → 204                 sign-out (revokes the token used)
 *   GET    /user                                 → {username, isAdmin}
 *   GET    /user/tokens · POST {name} · DELETE /user/tokens/ID         personal access tokens (shown once)
 *   POST   /users {username, password, admin?}   → 201                 site admins only
 *   GET    /repos · POST /repos {name, private, description?}          list visible / create (owned by caller)
 *   POST   /repos/import {name, url, private?, mode: migrate|connect}  (or `mirror: true` = connect)
 *   GET    /repos/O/R · PATCH /repos/O/R {private?, defaultBranch?}     (admin) → the repo
 *          every repo answer carries `defaultBranch`: the branch git's HEAD names, or null
 *   POST   /repos/O/R/sync                       → import status       fetch a connected repo now
 *   GET    /repos/O/R/collaborators · PUT/DELETE /repos/O/R/collaborators/USER {permission}
 *   POST   /repos/O/R/dvc/missing {oids|hashes}  → {missing}           (see dvc-remote)
 */

type Handler = (a: {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  who: Principal | null;
  params: string[];
}) => Promise<void> | void;

const MAX_JSON = 64 * 1024;
const P = '[^/]+';

export function makeAccountsApi(
  ctx: ServerContext,
  importer: Importer,
  dvcMissing: (req: IncomingMessage, res: ServerResponse, repo: { id: number }) => Promise<void>,
) {
  const access = getAccess(ctx);
  const signInLimits = getSignInLimits(ctx);
  const audit = getAuditLog(ctx);
  const accounts = makeAccountStore(ctx.db);
  const repos = makeRepoStore(ctx.db);

  const need = (who: Principal | null): Principal => {
    if (!who) throw new AccountsError('unauthorized', 401, 'Sign in (send an access token) to use this endpoint.');
    return who;
  };
  const repoFor = (who: Principal | null, owner: string, name: string, perm: Permission) => {
    const r = access.authorizeRepo(who, owner, name, perm);
    if (!r.ok) throw new AccountsError(r.code as 'forbidden', r.status, r.message);
    return repos.find(r.repo.owner, r.repo.name) as RepoRow;
  };
  const dirOf = (repo: RepoRow) => gitDirOf(ctx.config.dataDir, repo.id);
  /** The default branch, or null for a repository with none (or whose folder is still being made). */
  const defaultBranchOf = async (repo: RepoRow): Promise<string | null> => {
    try {
      return await readDefaultBranch(dirOf(repo));
    } catch {
      return null;
    }
  };
  const describe = async (repo: RepoRow, who: Principal | null, base: string) => {
    const grant = who?.isAdmin ? 'admin' : who ? repos.grantOf(repo, who.userId) : null;
    return {
      owner: repo.owner,
      name: repo.name,
      fullName: `${repo.owner}/${repo.name}`,
      private: repo.isPrivate,
      description: repo.description,
      createdAt: new Date(repo.createdAt).toISOString(),
      defaultBranch: await defaultBranchOf(repo),
      permission: grant ?? (repo.isPrivate ? null : 'read'),
      cloneUrl: `${base}/${repo.owner}/${repo.name}.git`,
      dvcRemote: `${base}/${repo.owner}/${repo.name}.dvc`,
      mlflowTrackingUri: `${base}/${repo.owner}/${repo.name}.mlflow`,
      import: importer.status(repo.id),
    };
  };
  const baseOf = (req: IncomingMessage) => `http://${req.headers.host ?? `${ctx.config.host}:${ctx.config.port}`}`;
  const str = (body: Record<string, unknown>, key: string): string => {
    const v = body[key];
    if (typeof v !== 'string') throw new AccountsError('bad_request', 400, `"${key}" must be a string.`);
    return v;
  };
  const body = async (req: IncomingMessage) => {
    const b = await readJsonBody(req, MAX_JSON);
    if (!isRecord(b)) throw new AccountsError('bad_request', 400, 'The body must be a JSON object.');
    return b;
  };
  const permission = (v: unknown): Permission => {
    if (v === 'read' || v === 'write' || v === 'admin') return v;
    throw new AccountsError('bad_request', 400, '"permission" must be read, write or admin.');
  };

  const routes: Array<[string, RegExp, Handler]> = [
    [
      'POST',
      /^\/session$/,
      async ({ req, res }) => {
        const b = await body(req);
        const username = str(b, 'username');
        const wait = signInLimits.retryAfter(username, clientAddress(req));
        if (wait > 0) {
          audit.record({ action: 'sign_in_locked', actor: username, target: 'session', address: clientAddress(req) });
          const msg = `Too many wrong passwords: try again in ${wait} s.`;
          return sendError(res, 429, 'too_many_attempts', msg, { 'Retry-After': String(wait) });
        }
        const user = accounts.findUser(username);
        const password = str(b, 'password');
        if (!user?.passwordHash || !verifyPassword(password, user.passwordHash)) {
          signInLimits.failed(username, clientAddress(req));
          audit.record({ action: 'sign_in_failed', actor: username, target: 'session', address: clientAddress(req) });
          throw new AccountsError('invalid_credentials', 401, 'The user name or password is wrong.');
        }
        signInLimits.succeeded(username);
        audit.record({ action: 'sign_in', actor: user.username, target: 'session', address: clientAddress(req) });
        const { token, info } = accounts.issueToken(user.id, 'app session', 'session');
        sendJson(res, 201, {
          token,
          expiresAt: new Date(info.expiresAt as number).toISOString(),
          user: { username: user.username, isAdmin: user.isAdmin },
        });
      },
    ],
    [
      'DELETE',
      /^\/session$/,
      ({ req, res, url, who }) => {
        need(who);
        const header = req.headers.authorization ?? '';
        const token = /^bearer /i.test(header) ? header.slice(7).trim() : url.searchParams.get('token');
        if (token) accounts.revokeSecret(token);
        res.writeHead(204).end();
      },
    ],
    [
      'GET',
      /^\/user$/,
      ({ res, who }) => {
        const me = need(who);
        sendJson(res, 200, { username: me.username, isAdmin: me.isAdmin, user: { username: me.username } });
      },
    ],
    [
      'GET',
      /^\/user\/tokens$/,
      ({ res, who }) => sendJson(res, 200, { tokens: accounts.listTokens(need(who).userId) }),
    ],
    [
      'POST',
      /^\/user\/tokens$/,
      async ({ req, res, who }) => {
        const me = need(who);
        const b = await body(req);
        const name = typeof b.name === 'string' && b.name.trim() ? b.name.trim() : 'token';
        const { token, info } = accounts.issueToken(me.userId, name);
        sendJson(res, 201, { ...info, token });
      },
    ],
    [
      'DELETE',
      /^\/user\/tokens\/(\d{1,15})$/,
      ({ res, who, params }) => {
        if (!accounts.revokeToken(need(who).userId, Number(params[0]))) {
          throw new AccountsError('not_found', 404, 'You have no live token with that id.');
        }
        res.writeHead(204).end();
      },
    ],
    [
      'POST',
      /^\/users$/,
      async ({ req, res, who }) => {
        if (!need(who).isAdmin) throw new AccountsError('forbidden', 403, 'Only site admins create users.');
        const b = await body(req);
        const user = accounts.createUser(str(b, 'username'), str(b, 'password'), b.admin === true);
        sendJson(res, 201, { username: user.username, isAdmin: user.isAdmin });
      },
    ],
    [
      'GET',
      /^\/repos$/,
      async ({ req, res, who }) => {
        const visible = repos.listVisible(who?.userId ?? null, who?.isAdmin ?? false);
        // One short git process per repository reads its HEAD; a few at a time, not all at once.
        const out = await mapInBatches(visible, 4, (r) => describe(r, who, baseOf(req)));
        sendJson(res, 200, { repos: out });
      },
    ],
    [
      'POST',
      /^\/repos$/,
      async ({ req, res, who }) => {
        const me = need(who);
        const b = await body(req);
        const repo = await createRepository(
          ctx,
          me.userId,
          str(b, 'name'),
          b.private === true,
          typeof b.description === 'string' ? b.description : '',
        );
        sendJson(res, 201, await describe(repo, me, baseOf(req)));
      },
    ],
    [
      'POST',
      /^\/repos\/import$/,
      async ({ req, res, who }) => {
        const me = need(who);
        const b = await body(req);
        const mode: ImportMode = b.mode === 'connect' || b.mirror === true ? 'connect' : 'migrate';
        if (b.mode !== undefined && b.mode !== 'migrate' && b.mode !== 'connect') {
          throw new AccountsError('bad_request', 400, '"mode" must be migrate or connect.');
        }
        const repo = await importer.importRepo(me.userId, str(b, 'name'), b.private === true, str(b, 'url'), mode);
        sendJson(res, 201, await describe(repo, me, baseOf(req)));
      },
    ],
    [
      'GET',
      new RegExp(`^/repos/(${P})/(${P})$`),
      async ({ req, res, who, params }) =>
        sendJson(res, 200, await describe(repoFor(who, params[0]!, params[1]!, 'read'), who, baseOf(req))),
    ],
    [
      'PATCH',
      new RegExp(`^/repos/(${P})/(${P})$`),
      async ({ req, res, who, params }) => {
        const me = need(who);
        const repo = repoFor(me, params[0]!, params[1]!, 'admin');
        const b = await body(req);
        if (b.private === undefined && b.defaultBranch === undefined) {
          throw new AccountsError('bad_request', 400, 'Send "private" (true or false) and/or "defaultBranch".');
        }
        if (b.private !== undefined && typeof b.private !== 'boolean') {
          throw new AccountsError('bad_request', 400, '"private" must be true or false.');
        }
        if (b.defaultBranch !== undefined) {
          if (typeof b.defaultBranch !== 'string') {
            throw new AccountsError('bad_request', 400, '"defaultBranch" must be the name of a branch.');
          }
          if (importer.isMirror(repo.id)) {
            throw new AccountsError(
              'mirror_read_only',
              403,
              `${repo.owner}/${repo.name} mirrors another repository and follows its default branch; change it at the source.`,
            );
          }
          // Checked and applied first: a refused branch leaves every setting as it was.
          await setDefaultBranch(dirOf(repo), b.defaultBranch, me.username);
        }
        if (typeof b.private === 'boolean') repos.setPrivate(repo.id, b.private);
        sendJson(res, 200, await describe(repos.find(repo.owner, repo.name) as RepoRow, who, baseOf(req)));
      },
    ],
    [
      'POST',
      new RegExp(`^/repos/(${P})/(${P})/sync$`),
      async ({ res, who, params }) => {
        const repo = repoFor(need(who), params[0]!, params[1]!, 'write');
        const status = await importer.sync(repo);
        if (!status) throw new AccountsError('not_found', 404, `${repo.owner}/${repo.name} was not imported.`);
        sendJson(res, 200, status);
      },
    ],
    [
      'GET',
      new RegExp(`^/repos/(${P})/(${P})/collaborators$`),
      ({ res, who, params }) => {
        const repo = repoFor(need(who), params[0]!, params[1]!, 'read');
        sendJson(res, 200, { collaborators: repos.listCollaborators(repo.id) });
      },
    ],
    [
      'PUT',
      new RegExp(`^/repos/(${P})/(${P})/collaborators/(${P})$`),
      async ({ req, res, who, params }) => {
        const repo = repoFor(need(who), params[0]!, params[1]!, 'admin');
        const user = accounts.findUser(params[2]!);
        if (!user) throw new AccountsError('not_found', 404, `No user ${params[2]}.`);
        const b = await body(req);
        repos.setCollaborator(repo.id, user.id, permission(b.permission));
        sendJson(res, 200, { collaborators: repos.listCollaborators(repo.id) });
      },
    ],
    [
      'DELETE',
      new RegExp(`^/repos/(${P})/(${P})/collaborators/(${P})$`),
      ({ res, who, params }) => {
        const repo = repoFor(need(who), params[0]!, params[1]!, 'admin');
        const user = accounts.findUser(params[2]!);
        if (!user || !repos.removeCollaborator(repo.id, user.id)) {
          throw new AccountsError('not_found', 404, `${params[2]} is not a collaborator.`);
        }
        res.writeHead(204).end();
      },
    ],
    [
      'POST',
      new RegExp(`^/repos/(${P})/(${P})/dvc/missing$`),
      async ({ req, res, who, params }) => dvcMissing(req, res, repoFor(who, params[0]!, params[1]!, 'read')),
    ],
  ];

  const PREFIX = '/api/v1';
  const find = (pathname: string) => {
    if (!pathname.startsWith(`${PREFIX}/`)) return null;
    const sub = pathname.slice(PREFIX.length);
    const matching = routes.filter(([, re]) => re.test(sub));
    return matching.length ? { sub, matching } : null;
  };

  return {
    match: (pathname: string) => find(pathname) !== null,
    async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
      const found = find(url.pathname);
      if (!found) return sendError(res, 404, 'not_found', `No API endpoint at ${url.pathname}`);
      const route = found.matching.find(([m]) => m === req.method);
      if (!route) {
        const allow = [...new Set(found.matching.map(([m]) => m))].join(', ');
        return sendError(res, 405, 'method_not_allowed', `${url.pathname} answers ${allow}.`, { Allow: allow });
      }
      try {
        const who = access.authenticate(req, url);
        if (who && 'invalid' in who) {
          // Signing in must work even if the app still holds an old, revoked token.
          if (!(req.method === 'POST' && found.sub === '/session')) {
            throw new AccountsError('invalid_credentials', 401, 'The token or password is wrong, expired or revoked.');
          }
        }
        const principal = who && 'invalid' in who ? null : who;
        const params = (route[1].exec(found.sub) as RegExpExecArray).slice(1);
        await route[2]({ req, res, url, who: principal, params });
        recordApiChange(ctx, req, res, url.pathname, principal?.username ?? '');
      } catch (err) {
        if (err instanceof AccountsError) {
          if (err.status === 413) res.setHeader('Connection', 'close');
          return sendError(res, err.status, err.code, err.message);
        }
        throw err;
      }
    },
  };
}

/** `fn` over `items`, at most `size` at a time, results in order. */
async function mapInBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}
