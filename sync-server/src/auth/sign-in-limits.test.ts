import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqlEngines } from '../../../test/support/sql-engines.ts';
import type { SqlDatabase } from '../db/sql.ts';
import { makeSignInLimits, type SignInLimitSettings } from './sign-in-limits.ts';

/**
 * The guessing limits count in the database, so two server processes on one database (here two
 * limit instances on one connection pool, as two processes would each make) share one count:
 * a guesser spreading tries over both gets no more than from one.
 */
const SETTINGS: SignInLimitSettings = {
  accountFreeFailures: 3,
  addressFreeFailures: 6,
  baseDelayMs: 1000,
  maxDelayMs: 8000,
};

describe.each(sqlEngines())('sign-in limits on $name', (engine) => {
  let sql: SqlDatabase;
  let cleanup: () => Promise<void>;
  let clock: number;
  const now = () => clock;

  beforeEach(async () => {
    ({ sql, cleanup } = await engine.open());
    clock = 1_700_000_000_000;
  });
  afterEach(() => cleanup());

  it('locks an account after its free failures even when they are spread over two processes', async () => {
    const one = makeSignInLimits(sql, SETTINGS, now);
    const two = makeSignInLimits(sql, SETTINGS, now);
    await one.failed('Victim', '10.0.0.1');
    await two.failed('victim', '10.0.0.2');
    await one.failed('victim', '10.0.0.3');
    expect(await two.retryAfter('victim', '10.0.0.9')).toBe(0);
    await two.failed('VICTIM', '10.0.0.4');
    // The fourth failure, made on the second process, locks the account on both.
    expect(await one.retryAfter('victim', '10.0.0.9')).toBe(1);
    expect(await two.retryAfter('victim', '10.0.0.9')).toBe(1);
    expect(await one.retryAfter('someone-else', '10.0.0.9')).toBe(0);
  });

  it('doubles the lock with each further failure, up to the longest, and a success clears it', async () => {
    const one = makeSignInLimits(sql, SETTINGS, now);
    const two = makeSignInLimits(sql, SETTINGS, now);
    for (let i = 0; i < 4; i++) await (i % 2 ? one : two).failed('admin', `10.0.1.${i}`);
    expect(await one.retryAfter('admin', '10.0.9.9')).toBe(1);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      clock += (await one.retryAfter('admin', '10.0.9.9')) * 1000;
      await (i % 2 ? one : two).failed('admin', `10.0.2.${i}`);
      waits.push(await two.retryAfter('admin', '10.0.9.9'));
    }
    expect(waits).toEqual([2, 4, 8, 8, 8]);
    await one.succeeded('ADMIN');
    expect(await two.retryAfter('admin', '10.0.9.9')).toBe(0);
  });

  it('locks an address spraying many account names, and not other addresses', async () => {
    const one = makeSignInLimits(sql, SETTINGS, now);
    const two = makeSignInLimits(sql, SETTINGS, now);
    for (let i = 0; i < 7; i++) await (i % 2 ? one : two).failed(`user${i}`, '10.0.3.1');
    expect(await one.retryAfter('fresh-name', '10.0.3.1')).toBe(1);
    expect(await two.retryAfter('fresh-name', '10.0.3.2')).toBe(0);
  });

  it('forgets a count once it has been quiet for as long as the longest lock', async () => {
    const one = makeSignInLimits(sql, SETTINGS, now);
    for (let i = 0; i < 3; i++) await one.failed('carol', '10.0.4.1');
    clock += SETTINGS.maxDelayMs + 1;
    await one.failed('carol', '10.0.4.1');
    // Counted from one again: still free.
    expect(await one.retryAfter('carol', '10.0.4.1')).toBe(0);
  });
});
