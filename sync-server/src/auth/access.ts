import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { verifyPassword } from '../accounts/passwords.ts';
import { makeAccountStore, type UserRecord } from '../accounts/store.ts';
import { getAuditLog } from '../audit/audit-log.ts';
import type { ServerContext } from '../context.ts';
import { makeRepoStore, PERMISSION_RANK } from '../repos/store.ts';
import { readCredentials } from './credentials.ts';
import { clientAddress, getSignInLimits } from './sign-in-limits.ts';

/**
 * The one place that decides who is calling and what they may do. Every channel (git, DVC,
 * MLflow, Yjs, the JSON API) asks here; none reads the accounts tables itself.
 *
 *   const access = getAccess(ctx);
 *   const who = access.authenticate(req, url);            // Principal | null | {invalid: true}
 *   if (who && 'invalid' in who) → 401
 *   const r = access.authorizeRepo(who, 'demo', 'segmentation', 'write');
 *   if (!r.ok) → r.status / r.code / r.message
 *
 * Rules: public repositories are readable by anyone; the owner and site admins administer;
 * collaborators get their read/write/admin grant. Without credentials every refusal is 401
 * (so git and DVC prompt), and a signed-in caller gets 404 for what they cannot see (existence is
 * not revealed) and 403 for what they can see but not change.
 */

export type Permission = 'read' | 'write' | 'admin';
export interface Principal {
  userId: number;
  username: string;
  isAdmin: boolean;
}
export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  isPrivate: boolean;
}
export type AuthorizeResult =
  | { ok: true; repo: RepoRecord }
  | { ok: false; status: 401 | 403 | 404; code: string; message: string };

export interface Access {
  /** Reads credentials from the request: Basic user:password or user:token, `Authorization: Bearer TOKEN`, or the `token` query parameter (WebSocket). null = none given; throws nothing. */
  authenticate(req: IncomingMessage, url: URL): Principal | null | { invalid: true };
  /** ok, or the status (401 no/invalid credentials, 403 not allowed, 404 no such repo / not visible) with a code and message */
  authorizeRepo(principal: Principal | null, owner: string, repo: string, need: Permission): AuthorizeResult;
}

/** Successful password checks are remembered briefly: scrypt costs ~50 ms and DVC sends Basic on every request. */
const PASSWORD_CACHE_MS = 5 * 60 * 1000;
const PASSWORD_CACHE_MAX = 1000;

export function makeAccess(ctx: ServerContext): Access {
  const accounts = makeAccountStore(ctx.db);
  const repos = makeRepoStore(ctx.db);
  const passwordCache = new Map<string, { userId: number; passwordHash: string; until: number }>();
  const limits = getSignInLimits(ctx);
  const audit = getAuditLog(ctx);

  const toPrincipal = (u: UserRecord): Principal => ({ userId: u.id, username: u.username, isAdmin: u.isAdmin });

  function checkPassword(username: string, password: string): UserRecord | null {
    const key = createHash('sha256').update(`${username}\0${password}`).digest('hex');
    const now = Date.now();
    const cached = passwordCache.get(key);
    if (cached && cached.until > now) {
      const u = accounts.getUser(cached.userId);
      // A changed password invalidates the cached check.
      if (u && u.passwordHash === cached.passwordHash) return u;
      passwordCache.delete(key);
    }
    const user = accounts.findUser(username);
    if (!user?.passwordHash || !verifyPassword(password, user.passwordHash)) return null;
    if (passwordCache.size >= PASSWORD_CACHE_MAX) passwordCache.clear();
    passwordCache.set(key, { userId: user.id, passwordHash: user.passwordHash, until: now + PASSWORD_CACHE_MS });
    return user;
  }

  return {
    authenticate(req, url) {
      try {
        const offered = readCredentials(req, url);
        switch (offered.kind) {
          case 'none':
            return null;
          case 'malformed':
            return { invalid: true };
          case 'token': {
            const u = accounts.userForToken(offered.token);
            return u ? toPrincipal(u) : { invalid: true };
          }
          case 'basic': {
            // The secret may be a token (git/DVC configured with one) or the password.
            const byToken = accounts.userForToken(offered.secret);
            // Like GitHub, the user name beside a token is not checked: the token names its user.
            if (byToken) return toPrincipal(byToken);
            const u = checkPassword(offered.username, offered.secret);
            // Counted for the guessing limits (sign-in-limits.ts); the guard refuses locked ones.
            if (u) limits.succeeded(offered.username);
            else {
              limits.failed(offered.username, clientAddress(req));
              audit.record({
                action: 'password_failed',
                actor: offered.username,
                target: url.pathname,
                address: clientAddress(req),
              });
            }
            return u ? toPrincipal(u) : { invalid: true };
          }
        }
      } catch (err) {
        ctx.log.error('authentication failed', { error: String(err) });
        return { invalid: true };
      }
    },

    authorizeRepo(principal, owner, name, need) {
      const repo = repos.find(owner, name);
      const visible =
        repo !== null &&
        (!repo.isPrivate ||
          (principal !== null && (principal.isAdmin || repos.grantOf(repo, principal.userId) !== null)));
      if (!repo || !visible) {
        return principal === null
          ? { ok: false, status: 401, code: 'unauthorized', message: 'Sign in to access this repository.' }
          : { ok: false, status: 404, code: 'not_found', message: `No repository ${owner}/${name}.` };
      }
      const grant: Permission | null = principal?.isAdmin
        ? 'admin'
        : principal
          ? repos.grantOf(repo, principal.userId)
          : null;
      const rank = Math.max(grant ? PERMISSION_RANK[grant] : 0, repo.isPrivate ? 0 : PERMISSION_RANK.read);
      if (rank < PERMISSION_RANK[need]) {
        return principal === null
          ? { ok: false, status: 401, code: 'unauthorized', message: `Sign in to ${need} ${owner}/${name}.` }
          : {
              ok: false,
              status: 403,
              code: 'forbidden',
              message: `${principal.username} may not ${need === 'read' ? 'read' : need === 'write' ? 'write to' : 'administer'} ${owner}/${name}.`,
            };
      }
      return { ok: true, repo: { id: repo.id, owner: repo.owner, name: repo.name, isPrivate: repo.isPrivate } };
    },
  };
}

const memo = new WeakMap<ServerContext, Access>();

/** The Access of a server context, made once per context so every feature shares its caches. */
export function getAccess(ctx: ServerContext): Access {
  let a = memo.get(ctx);
  if (!a) {
    a = makeAccess(ctx);
    memo.set(ctx, a);
  }
  return a;
}
