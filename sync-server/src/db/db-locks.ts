import type { SqlDatabase } from './sql.ts';

/**
 * Named locks that hold across every server process sharing one database, for work that must
 * never run twice at once: a git push into one repository (two processes writing one repository
 * folder), and background rounds (mirror fetches, start-up repairs) that several processes would
 * otherwise each run.
 *
 * On PostgreSQL a lock is a transaction-scoped advisory lock (`pg_advisory_xact_lock`) on one
 * pooled connection, held while the work runs: PostgreSQL releases it when the transaction ends —
 * or when the connection drops, so a process killed with -9 never leaves a lock behind. Inside one
 * process the same name is also queued in memory first, so pushes waiting for one repository hold
 * one pooled connection between them, not one each. On SQLite (one process) the in-memory queue is
 * the whole lock.
 */
export interface DbLocks {
  /** Runs `work` holding `name`, after waiting for whoever holds it (in any process). */
  withLock<T>(name: string, work: () => Promise<T>): Promise<T>;
  /**
   * Runs `work` holding `name` if nobody holds it now; otherwise does nothing (someone else is
   * doing this very work) and resolves `{ ran: false }` at once.
   */
  ifFree<T>(name: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
}

/** The name of the lock held while one repository's folder is written (push, mirror fetch). */
export const repoWriteLock = (repoId: number) => `repo-write:${repoId}`;

export function makeDbLocks(sql: SqlDatabase): DbLocks {
  /** Per name, the promise the next in-process holder waits for. */
  const tails = new Map<string, Promise<void>>();

  const inProcess = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const before = tails.get(name) ?? Promise.resolve();
    let release = () => {};
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = before.then(() => mine);
    tails.set(name, tail);
    await before;
    try {
      return await work();
    } finally {
      release();
      if (tails.get(name) === tail) tails.delete(name);
    }
  };

  /**
   * Holds the advisory lock (waiting, or only if free) for the length of `work`. When the lock's
   * own connection fails only after the work finished (COMMIT on a dropped connection), the work
   * stands: its answer was already given, and PostgreSQL released the lock with the connection.
   */
  const underAdvisoryLock = async <T>(
    name: string,
    wait: boolean,
    work: () => Promise<T>,
  ): Promise<{ ran: true; value: T } | { ran: false }> => {
    let outcome: { ran: true; value: T } | { ran: false } = { ran: false };
    let finished = false;
    try {
      await sql.transaction(async (tx) => {
        if (wait) {
          await tx.get('SELECT pg_advisory_xact_lock(hashtext(?))', [`cairn:${name}`]);
        } else {
          const got = await tx.get<{ held: number }>('SELECT pg_try_advisory_xact_lock(hashtext(?)) AS held', [
            `cairn:${name}`,
          ]);
          if (got?.held !== 1) return;
        }
        outcome = { ran: true, value: await work() };
        finished = true;
      });
    } catch (err) {
      if (!finished) throw err;
    }
    return outcome;
  };

  return {
    withLock(name, work) {
      return inProcess(name, async () => {
        if (sql.dialect !== 'postgres') return work();
        const r = await underAdvisoryLock(name, true, work);
        if (!r.ran) throw new Error(`lock ${name} was not taken`); // a waiting lock is always taken
        return r.value;
      });
    },
    async ifFree(name, work) {
      if (tails.has(name)) return { ran: false };
      return inProcess(name, async () => {
        if (sql.dialect !== 'postgres') return { ran: true as const, value: await work() };
        return underAdvisoryLock(name, false, work);
      });
    },
  };
}
