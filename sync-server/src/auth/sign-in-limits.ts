import type { ServerContext } from '../context.ts';

/**
 * Password-guessing limits (THREAT_MODEL.md #16). Failed password checks are counted per
 * account name and per client address; past a number of free failures each further one locks
 * that account (or address) for a doubling time, capped. While locked, password attempts are
 * answered 429 with `Retry-After` before any password is hashed; a success resets the account.
 * Tokens are never limited: they are 256-bit random, not guessable, so git and DVC set up with a
 * token keep working while someone hammers the password.
 *
 * Settings (environment): CAIRN_SIGNIN_FREE_FAILURES (per account, default 5),
 * CAIRN_SIGNIN_ADDRESS_FREE_FAILURES (per address, default 20: offices share one),
 * CAIRN_SIGNIN_BASE_DELAY (seconds of the first lock, 1), CAIRN_SIGNIN_MAX_DELAY (900).
 * Counters live in memory: a restart forgives, which costs an attacker a restart per burst.
 */
export interface SignInLimitSettings {
  accountFreeFailures: number;
  addressFreeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export function signInLimitSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): SignInLimitSettings {
  const int = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`${name} must be a whole number ≥ ${min}, got ${JSON.stringify(raw)}`);
    return n;
  };
  return {
    accountFreeFailures: int('CAIRN_SIGNIN_FREE_FAILURES', 5, 1),
    addressFreeFailures: int('CAIRN_SIGNIN_ADDRESS_FREE_FAILURES', 20, 1),
    baseDelayMs: int('CAIRN_SIGNIN_BASE_DELAY', 1, 1) * 1000,
    maxDelayMs: int('CAIRN_SIGNIN_MAX_DELAY', 900, 1) * 1000,
  };
}

interface Counter {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

/** Most counters kept; past it the oldest are dropped (memory stays bounded under a spray). */
const MAX_COUNTERS = 100_000;

export function makeSignInLimits(settings: SignInLimitSettings, now: () => number = Date.now) {
  const accounts = new Map<string, Counter>();
  const addresses = new Map<string, Counter>();
  /** Counters are forgotten after a quiet period as long as the longest lock. */
  const forgetAfter = settings.maxDelayMs;

  const waitOf = (map: Map<string, Counter>, key: string): number => {
    const c = map.get(key);
    if (!c) return 0;
    const t = now();
    if (c.lockedUntil <= t && t - c.lastFailure > forgetAfter) {
      map.delete(key);
      return 0;
    }
    return Math.max(0, c.lockedUntil - t);
  };

  const fail = (map: Map<string, Counter>, key: string, free: number) => {
    const t = now();
    const c = map.get(key) ?? { failures: 0, lockedUntil: 0, lastFailure: 0 };
    if (c.lockedUntil <= t && t - c.lastFailure > forgetAfter) c.failures = 0;
    c.failures++;
    c.lastFailure = t;
    if (c.failures > free) {
      c.lockedUntil = t + Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (c.failures - free - 1));
    }
    map.delete(key); // re-insert: Map order is then oldest-first for eviction
    map.set(key, c);
    if (map.size > MAX_COUNTERS) map.delete(map.keys().next().value as string);
  };

  return {
    /** Seconds to wait before `username` may try a password from `address` (0: go ahead). */
    retryAfter(username: string, address: string): number {
      const ms = Math.max(waitOf(accounts, username.toLowerCase()), waitOf(addresses, address));
      return Math.ceil(ms / 1000);
    },
    failed(username: string, address: string): void {
      fail(accounts, username.toLowerCase(), settings.accountFreeFailures);
      fail(addresses, address, settings.addressFreeFailures);
    },
    succeeded(username: string): void {
      accounts.delete(username.toLowerCase());
    },
  };
}

export type SignInLimits = ReturnType<typeof makeSignInLimits>;

const memo = new WeakMap<ServerContext, SignInLimits>();

/** The limits of a server context, shared by every channel that checks a password. */
export function getSignInLimits(ctx: ServerContext): SignInLimits {
  let l = memo.get(ctx);
  if (!l) {
    l = makeSignInLimits(signInLimitSettingsFromEnv(ctx.config.env));
    memo.set(ctx, l);
  }
  return l;
}

/** The client's address as the limits count it. */
export function clientAddress(req: { socket: { remoteAddress?: string | undefined } }): string {
  return req.socket.remoteAddress ?? 'unknown';
}
