import { makeAccountStore } from '../accounts/store.ts';
import type { Services } from '../context.ts';
import { clientAddress } from '../http/client-address.ts';
import { sendError } from '../http/respond.ts';
import type { Feature } from '../server.ts';
import { readCredentials } from './credentials.ts';

/**
 * Mounted first: a password attempt (HTTP Basic whose secret is not a token) from a locked
 * account or address is answered 429 with `Retry-After` on every channel (git, DVC, MLflow, the
 * API) before any route hashes the password. The app's sign-in (`POST /api/v1/session`, whose
 * name is in the body) checks the same limits in its handler.
 */
export function signInGuardFeature({ ctx, signInLimits: limits }: Services): Feature {
  const accounts = makeAccountStore(ctx.sql);
  const wait = new WeakMap<object, number>();
  return {
    name: 'sign-in-guard',
    routes: [
      {
        name: 'sign-in-guard',
        async match(_pathname, req) {
          if (!/^basic /i.test(req.headers.authorization ?? '')) return false;
          const offered = readCredentials(req, new URL('http://x/'));
          if (offered.kind !== 'basic') return false;
          const seconds = await limits.retryAfter(offered.username, clientAddress(req));
          if (seconds === 0 || (await accounts.userForToken(offered.secret))) return false;
          wait.set(req, seconds);
          return true;
        },
        handle(req, res) {
          const seconds = wait.get(req) ?? 1;
          ctx.log.info('password attempt refused: too many failures', { address: clientAddress(req) });
          sendError(
            res,
            429,
            'too_many_attempts',
            `Too many wrong passwords: try again in ${seconds} s (access tokens are not limited).`,
            { 'Retry-After': String(seconds) },
          );
        },
      },
    ],
  };
}
