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
 * Counters live in the database (table `sign_in_counters`), shared by every server process on it.
 */
import { type Migrations, migrateSql } from '../db/migrate-sql.ts';
import type { SqlDatabase } from '../db/sql.ts';

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

const MIGRATIONS: Migrations = {
  sqlite: [
    `CREATE TABLE sign_in_counters (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    failures INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    last_failure INTEGER NOT NULL,
    PRIMARY KEY (kind, name)
  );`,
  ],
  postgres: [
    `CREATE TABLE sign_in_counters (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    failures INTEGER NOT NULL,
    locked_until BIGINT NOT NULL,
    last_failure BIGINT NOT NULL,
    PRIMARY KEY (kind, name)
  );`,
  ],
};

type CounterKind = 'account' | 'address';

/**
 * One more failure, in one atomic statement (several processes may count at once): the count
 * starts again when the counter was neither locked nor touched for `forgetAfter` ms.
 * Parameters: kind, name, now, forgetAfter.
 */
const COUNT_FAILURE = `INSERT INTO sign_in_counters (kind, name, failures, locked_until, last_failure)
  VALUES (?, ?, 1, 0, ?)
  ON CONFLICT (kind, name) DO UPDATE SET
    failures = CASE
      WHEN sign_in_counters.locked_until <= excluded.last_failure
       AND excluded.last_failure - sign_in_counters.last_failure > ? THEN 1
      ELSE sign_in_counters.failures + 1 END,
    last_failure = excluded.last_failure
  RETURNING failures`;

/** Never shortens a lock another process set meanwhile. Parameters: until, until, kind, name. */
const LOCK = `UPDATE sign_in_counters SET locked_until = CASE WHEN locked_until < ? THEN ? ELSE locked_until END
  WHERE kind = ? AND name = ?`;

/** Makes or updates the counters' table; also run by `cairn-server migrate` (ops/every-schema.ts). */
export const migrateSignInLimits = (sql: SqlDatabase) => migrateSql(sql, 'sign_in_limits', MIGRATIONS);

/** Failures between two sweeps of forgotten counters (the table stays small under a spray). */
const SWEEP_EVERY = 1000;

/**
 * The limits over the server's database (SQLite or PostgreSQL): every process sharing one
 * database counts into the same rows, so running N processes does not give a guesser N times the
 * tries. Counters unlocked and quiet for as long as the longest lock are forgotten.
 */
export function makeSignInLimits(sql: SqlDatabase, settings: SignInLimitSettings, now: () => number = Date.now) {
  const ready = migrateSignInLimits(sql);
  ready.catch(() => undefined); // reported by the call that awaits it
  const forgetAfter = settings.maxDelayMs;
  let failuresSinceSweep = 0;

  const fail = async (kind: CounterKind, name: string, free: number) => {
    const t = now();
    const row = await sql.get<{ failures: number }>(COUNT_FAILURE, [kind, name, t, forgetAfter]);
    const failures = row?.failures ?? 1;
    if (failures > free) {
      const until = t + Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (failures - free - 1));
      await sql.run(LOCK, [until, until, kind, name]);
    }
  };

  const sweep = async () => {
    const t = now();
    await sql.run('DELETE FROM sign_in_counters WHERE locked_until <= ? AND last_failure < ?', [t, t - forgetAfter]);
  };

  return {
    /** Seconds to wait before `username` may try a password from `address` (0: go ahead). */
    async retryAfter(username: string, address: string): Promise<number> {
      await ready;
      const row = await sql.get<{ until: number | null }>(
        `SELECT MAX(locked_until) AS until FROM sign_in_counters
          WHERE (kind = 'account' AND name = ?) OR (kind = 'address' AND name = ?)`,
        [username.toLowerCase(), address],
      );
      return Math.ceil(Math.max(0, (row?.until ?? 0) - now()) / 1000);
    },
    async failed(username: string, address: string): Promise<void> {
      await ready;
      await fail('account', username.toLowerCase(), settings.accountFreeFailures);
      await fail('address', address, settings.addressFreeFailures);
      if (++failuresSinceSweep >= SWEEP_EVERY) {
        failuresSinceSweep = 0;
        await sweep();
      }
    },
    async succeeded(username: string): Promise<void> {
      await ready;
      await sql.run("DELETE FROM sign_in_counters WHERE kind = 'account' AND name = ?", [username.toLowerCase()]);
    },
  };
}

export type SignInLimits = ReturnType<typeof makeSignInLimits>;
