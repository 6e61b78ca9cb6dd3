import { afterAll, describe, expect, it } from 'vitest';
import { sharedPostgres, sqlEngines, sqliteEngine } from '../../../test/support/sql-engines.ts';
import { type DbLocks, makeDbLocks } from './db-locks.ts';
import { openPostgres } from './postgres-sql.ts';
import type { SqlDatabase } from './sql.ts';

/** A promise and the function that settles it, to hold a lock exactly as long as a test wants. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

const tick = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The shared behaviour: `processes` are the DbLocks of separate server processes (on SQLite, one
 * process: the same DbLocks twice).
 */
function lockSuite(name: string, processes: () => Promise<[DbLocks, DbLocks]>) {
  describe(`database locks on ${name}`, () => {
    it('a second holder of the same name waits until the first is done, never interleaving', async () => {
      const [a, b] = await processes();
      const events: string[] = [];
      const held = gate();
      const first = a.withLock('repo-write:1', async () => {
        events.push('a in');
        await held.opened;
        events.push('a out');
      });
      await tick();
      const second = b.withLock('repo-write:1', async () => {
        events.push('b in');
        events.push('b out');
      });
      await tick(200);
      expect(events).toEqual(['a in']);
      held.open();
      await Promise.all([first, second]);
      expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
    });

    it('different names do not wait for each other', async () => {
      const [a, b] = await processes();
      const held = gate();
      const first = a.withLock('repo-write:1', () => held.opened);
      await tick();
      await expect(b.withLock('repo-write:2', async () => 'done')).resolves.toBe('done');
      held.open();
      await first;
    });

    it('ifFree skips work someone else is doing, and runs it once they are done', async () => {
      const [a, b] = await processes();
      const held = gate();
      const first = a.withLock('background:mirror-sync', () => held.opened);
      await tick();
      let ran = 0;
      expect(await b.ifFree('background:mirror-sync', async () => ++ran)).toEqual({ ran: false });
      held.open();
      await first;
      expect(await b.ifFree('background:mirror-sync', async () => ++ran)).toEqual({ ran: true, value: 1 });
    });

    it('a failing holder releases the lock and its error reaches the caller', async () => {
      const [a, b] = await processes();
      await expect(
        a.withLock('repo-write:3', async () => {
          throw new Error('push failed');
        }),
      ).rejects.toThrow('push failed');
      await expect(b.withLock('repo-write:3', async () => 'next')).resolves.toBe('next');
    });
  });
}

// Registers the file's PostgreSQL cluster (started before the tests, stopped after them).
const withPostgres = sqlEngines().some((e) => e.name === 'postgres');

const opened: { cleanup(): Promise<void> }[] = [];
afterAll(async () => {
  for (const o of opened) await o.cleanup();
});

lockSuite('SQLite (one process)', async () => {
  const db = await sqliteEngine.open();
  opened.push(db);
  const locks = makeDbLocks(db.sql);
  return [locks, locks];
});

describe.runIf(withPostgres)('PostgreSQL (two processes: two connection pools)', () => {
  const pools: SqlDatabase[] = [];
  afterAll(async () => {
    for (const p of pools) await p.close();
  });
  const twoPools = async (): Promise<[SqlDatabase, SqlDatabase]> => {
    const url = await (await sharedPostgres()).freshDatabase();
    const a = await openPostgres(url, { maxConnections: 4 });
    const b = await openPostgres(url, { maxConnections: 4 });
    pools.push(a, b);
    return [a, b];
  };

  lockSuite('PostgreSQL', async () => {
    const [a, b] = await twoPools();
    return [makeDbLocks(a), makeDbLocks(b)];
  });

  it('a process that dies holding a lock (its connection cut) releases it', async () => {
    const [a, b] = await twoPools();
    const never = gate();
    const dying = makeDbLocks(a)
      .withLock('repo-write:9', () => never.opened)
      .catch(() => 'cut');
    await tick(100);
    // What kill -9 does to the holder's connection: the server sees it end.
    await b.run(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE pid <> pg_backend_pid() AND datname = current_database() AND query LIKE '%pg_advisory_xact_lock%'`,
    );
    await expect(makeDbLocks(b).withLock('repo-write:9', async () => 'taken over')).resolves.toBe('taken over');
    never.open();
    await dying;
  });
});
