import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { verifyPassword } from '../accounts/passwords.ts';
import { makeAccountStore, type TokenUse, type UserRecord } from '../accounts/store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ServerContext } from '../context.ts';
import { DatabaseUnavailableError } from '../db/sql.ts';
import { clientAddress } from '../http/client-address.ts';
import { PERMISSION_RANK, type RepoStore } from '../repos/store.ts';
import { readCredentials } from './credentials.ts';
import type { SignInLimits } from './sign-in-limits.ts';

/**
 * The one place that decides who is calling and what they may do. Every channel (git, DVC,
 * MLflow, Yjs, the JSON API) asks here; none reads the accounts tables itself.
 *
 *   const access = makeAccess(ctx, { repos, signInLimits, audit }); // once per server, by services.ts
 *   const who = await access.authenticate(req, url);      // Principal | null | {invalid: true}
 *   if (who && 'invalid' in who) → 401
 *   const r = await access.authorizeRepo(who, 'demo', 'segmentation', 'write');
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
  authenticate(req: IncomingMessage, url: URL): Promise<Principal | null | { invalid: true }>;
  /** ok, or the status (401 no/invalid credentials, 403 not allowed, 404 no such repo / not visible) with a code and message */
  authorizeRepo(principal: Principal | null, owner: string, repo: string, need: Permission): Promise<AuthorizeResult>;
}

/** A token silent this long is audited again when it is next used. */
const TOKEN_USE_AUDIT_GAP_MS = 3600 * 1000;

/** Successful password checks are remembered briefly: scrypt costs ~50 ms and DVC sends Basic on every request. */
const PASSWORD_CACHE_MS = 5 * 60 * 1000;
const PASSWORD_CACHE_MAX = 1000;

/**
 * `repos` answers which repositories exist; every failed password is counted in `signInLimits`
 * (the guard refuses locked ones, auth/sign-in-guard.ts) and written to the `audit` log.
 */
export function makeAccess(
  ctx: ServerContext,
  { repos, signInLimits: limits, audit }: { repos: RepoStore; signInLimits: SignInLimits; audit: AuditLog },
): Access {
  const accounts = makeAccountStore(ctx.sql);
  const passwordCache = new Map<string, { userId: number; passwordHash: string; until: number }>();

  const toPrincipal = (u: UserRecord): Principal => ({ userId: u.id, username: u.username, isAdmin: u.isAdmin });

  async function checkPassword(username: string, password: string): Promise<UserRecord | null> {
    const key = createHash('sha256').update(`${username}\0${password}`).digest('hex');
    const now = Date.now();
    const cached = passwordCache.get(key);
    if (cached && cached.until > now) {
      const u = await accounts.getUser(cached.userId);
      // A changed password invalidates the cached check.
      if (u && u.passwordHash === cached.passwordHash) return u;
      passwordCache.delete(key);
    }
    const user = await accounts.findUser(username);
    if (!user?.passwordHash || !verifyPassword(password, user.passwordHash)) return null;
    if (passwordCache.size >= PASSWORD_CACHE_MAX) passwordCache.clear();
    passwordCache.set(key, { userId: user.id, passwordHash: user.passwordHash, until: now + PASSWORD_CACHE_MS });
    return user;
  }

  /**
   * Personal access tokens (what git, DVC and MLflow clients hold) are audited when used after an
   * hour or more of silence, with the address and the first path: enough to see a leaked token
   * used from somewhere new without one row per request. App sessions are audited at sign-in.
   */
  async function auditTokenUse(use: TokenUse, req: IncomingMessage, url: URL): Promise<void> {
    if (use.token.kind !== 'token') return;
    if (use.previousUse !== null && Date.now() - use.previousUse < TOKEN_USE_AUDIT_GAP_MS) return;
    await audit.record({
      action: 'token_used',
      actor: use.user.username,
      target: url.pathname,
      address: clientAddress(req),
      detail: { token: use.token.name, tokenId: use.token.id },
    });
  }

  return {
    async authenticate(req, url) {
      try {
        const offered = readCredentials(req, url);
        switch (offered.kind) {
          case 'none':
            return null;
          case 'malformed':
            return { invalid: true };
          case 'token': {
            const use = await accounts.tokenUse(offered.token);
            if (use) await auditTokenUse(use, req, url);
            return use ? toPrincipal(use.user) : { invalid: true };
          }
          case 'basic': {
            // The secret may be a token (git/DVC configured with one) or the password.
            const byToken = await accounts.tokenUse(offered.secret);
            // Like GitHub, the user name beside a token is not checked: the token names its user.
            if (byToken) {
              await auditTokenUse(byToken, req, url);
              return toPrincipal(byToken.user);
            }
            const u = await checkPassword(offered.username, offered.secret);
            // Counted for the guessing limits (sign-in-limits.ts); the guard refuses locked ones.
            if (u) await limits.succeeded(offered.username);
            else {
              await limits.failed(offered.username, clientAddress(req));
              await audit.record({
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
        // A database that cannot be reached is not a wrong password: 503, retried (server.ts).
        if (err instanceof DatabaseUnavailableError) throw err;
        ctx.log.error('authentication failed', { error: String(err) });
        return { invalid: true };
      }
    },

    async authorizeRepo(principal, owner, name, need) {
      const repo = await repos.find(owner, name);
      const ownGrant = repo && principal && !principal.isAdmin ? await repos.grantOf(repo, principal.userId) : null;
      const visible =
        repo !== null && (!repo.isPrivate || (principal !== null && (principal.isAdmin || ownGrant !== null)));
      if (!repo || !visible) {
        return principal === null
          ? { ok: false, status: 401, code: 'unauthorized', message: 'Sign in to access this repository.' }
          : { ok: false, status: 404, code: 'not_found', message: `No repository ${owner}/${name}.` };
      }
      const grant: Permission | null = principal?.isAdmin ? 'admin' : ownGrant;
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
