import type Database from 'better-sqlite3';
import type { Histogram } from 'prom-client';
import type { SqlDatabase, SqlParams, SqlQueries, SqlRunResult } from './sql.ts';

type Statement = Database.Statement;

/** Dynamic SQL (IN lists of many lengths) must not grow the cache without bound. */
const MAX_CACHED_STATEMENTS = 500;

/**
 * `SqlDatabase` over one better-sqlite3 connection (db/database.ts `openDatabase`). Statements are
 * prepared once and cached by their text. SQLite has one writer and this process one connection,
 * so transactions take turns: while one is open (across its awaits), other statements and
 * transactions on the database wait for it, and none of their statements lands inside it.
 */
export function sqliteSql(db: Database.Database, timings?: Histogram<'kind'>): SqlDatabase {
  const cache = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let statement = cache.get(sql);
    if (!statement) {
      if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
  const timed = <T>(statement: Statement, call: () => T): T => {
    if (!timings) return call();
    const start = performance.now();
    try {
      return call();
    } finally {
      timings.observe({ kind: statement.reader ? 'read' : 'write' }, (performance.now() - start) / 1000);
    }
  };

  const direct: SqlQueries = {
    dialect: 'sqlite',
    async all<T>(sql: string, params: SqlParams = []) {
      const s = prepare(sql);
      return timed(s, () => s.all(...params)) as T[];
    },
    async get<T>(sql: string, params: SqlParams = []) {
      const s = prepare(sql);
      return timed(s, () => s.get(...params)) as T | undefined;
    },
    async run(sql: string, params: SqlParams = []): Promise<SqlRunResult> {
      const s = prepare(sql);
      const r = timed(s, () => s.run(...params));
      return { changes: r.changes };
    },
    async exec(sql: string) {
      db.exec(sql);
    },
  };

  // The open transaction's end, which everything else on this database waits for.
  let turn: Promise<unknown> = Promise.resolve();
  let inTransaction = false;
  const afterTurn = async <T>(call: () => Promise<T>): Promise<T> => {
    while (inTransaction) await turn.catch(() => undefined);
    return call();
  };

  return {
    dialect: 'sqlite',
    all: (sql, params) => afterTurn(() => direct.all(sql, params)),
    get: (sql, params) => afterTurn(() => direct.get(sql, params)),
    run: (sql, params) => afterTurn(() => direct.run(sql, params)),
    exec: (sql) => afterTurn(() => direct.exec(sql)),
    transaction<T>(work: (tx: SqlQueries) => Promise<T>): Promise<T> {
      const mine = afterTurn(async () => {
        inTransaction = true;
        // IMMEDIATE: take the write lock now, so another process's writer makes us wait
        // (busy_timeout) here rather than fail half-way through.
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(direct);
          db.exec('COMMIT');
          return result;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        } finally {
          inTransaction = false;
        }
      });
      turn = mine;
      return mine;
    },
    async close() {
      cache.clear();
      db.close();
    },
  };
}
