import type { Services } from '../context.ts';
import { clientAddress } from '../http/client-address.ts';
import { HttpError } from '../http/http-error.ts';
import { type ApiHandler, objectBody, signedIn, stringField } from '../http/json-api.ts';
import { sendError, sendJson } from '../http/respond.ts';
import type { Routes } from '../http/router.ts';
import { verifyPassword } from './passwords.ts';
import { makeAccountStore } from './store.ts';

/**
 * The accounts endpoints of the JSON API (http/json-api.ts), under `/api/v1`:
 *
 *   POST   /session {username, password}        → 201 {token, user}   app sign-in (30-day session)
 *   DELETE /session                              → 204                 sign-out (revokes the token used)
 *   GET    /user                                 → {username, isAdmin}
 *   GET    /user/tokens · POST {name} · DELETE /user/tokens/ID         personal access tokens (shown once)
 *   POST   /users {username, password, admin?}   → 201                 site admins only
 */
export function accountRoutes({ ctx, signInLimits, audit }: Services): Routes<ApiHandler> {
  const accounts = makeAccountStore(ctx.sql);
  return [
    [
      'POST',
      /^\/session$/,
      async ({ req, res }) => {
        const b = await objectBody(req);
        const username = stringField(b, 'username');
        const wait = await signInLimits.retryAfter(username, clientAddress(req));
        if (wait > 0) {
          await audit.record({
            action: 'sign_in_locked',
            actor: username,
            target: 'session',
            address: clientAddress(req),
          });
          const msg = `Too many wrong passwords: try again in ${wait} s.`;
          return sendError(res, 429, 'too_many_attempts', msg, { 'Retry-After': String(wait) });
        }
        const user = await accounts.findUser(username);
        const password = stringField(b, 'password');
        if (!user?.passwordHash || !verifyPassword(password, user.passwordHash)) {
          await signInLimits.failed(username, clientAddress(req));
          await audit.record({
            action: 'sign_in_failed',
            actor: username,
            target: 'session',
            address: clientAddress(req),
          });
          throw new HttpError('invalid_credentials', 401, 'The user name or password is wrong.');
        }
        await signInLimits.succeeded(username);
        await audit.record({ action: 'sign_in', actor: user.username, target: 'session', address: clientAddress(req) });
        const { token, info } = await accounts.issueToken(user.id, 'app session', 'session');
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
      async ({ req, res, url, who }) => {
        signedIn(who);
        const header = req.headers.authorization ?? '';
        const token = /^bearer /i.test(header) ? header.slice(7).trim() : url.searchParams.get('token');
        if (token) await accounts.revokeSecret(token);
        res.writeHead(204).end();
      },
    ],
    [
      'GET',
      /^\/user$/,
      ({ res, who }) => {
        const me = signedIn(who);
        sendJson(res, 200, { username: me.username, isAdmin: me.isAdmin, user: { username: me.username } });
      },
    ],
    [
      'GET',
      /^\/user\/tokens$/,
      async ({ res, who }) => sendJson(res, 200, { tokens: await accounts.listTokens(signedIn(who).userId) }),
    ],
    [
      'POST',
      /^\/user\/tokens$/,
      async ({ req, res, who }) => {
        const me = signedIn(who);
        const b = await objectBody(req);
        const name = typeof b.name === 'string' && b.name.trim() ? b.name.trim() : 'token';
        const { token, info } = await accounts.issueToken(me.userId, name);
        sendJson(res, 201, { ...info, token });
      },
    ],
    [
      'DELETE',
      /^\/user\/tokens\/(\d{1,15})$/,
      async ({ res, who, params }) => {
        if (!(await accounts.revokeToken(signedIn(who).userId, Number(params[0])))) {
          throw new HttpError('not_found', 404, 'You have no live token with that id.');
        }
        res.writeHead(204).end();
      },
    ],
    [
      'POST',
      /^\/users$/,
      async ({ req, res, who }) => {
        if (!signedIn(who).isAdmin) throw new HttpError('forbidden', 403, 'Only site admins create users.');
        const b = await objectBody(req);
        const user = await accounts.createUser(
          stringField(b, 'username'),
          stringField(b, 'password'),
          b.admin === true,
        );
        sendJson(res, 201, { username: user.username, isAdmin: user.isAdmin });
      },
    ],
  ];
}
