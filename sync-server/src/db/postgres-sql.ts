import pg from 'pg';
import type { Histogram } from 'prom-client';
import { SCHEMA_MIGRATIONS_TABLE } from './migrate-sql.ts';
import { toPostgresPlaceholders } from './postgres-placeholders.ts';
import {
  DatabaseUnavailableError,
  type SqlArray,
  type SqlDatabase,
  type SqlParams,
  type SqlQueries,
  type SqlRunResult,
  type SqlValue,
} from './sql.ts';

export interface PostgresOptions {
  /** Connections kept at most (each server process has its own pool). */
  maxConnections?: number;
  /** Statement timings, as `cairn_db_statement_seconds` by read/write (db/database.ts). */
  timings?: Histogram<'kind'>;
  /** Told about errors of idle pooled connections (a server restart), which nothing awaits. */
  onIdleError?: (err: Error) => void;
}

/** A down database should become a prompt 503, not a request waiting for the pool. */
const CONNECT_TIMEOUT_MS = 5000;

const { builtins } = pg.types;

/**
 * Results as SQLite gives them, so one store reads both engines alike: BIGINT (ms timestamps,
 * ids) and COUNT(*) as JS numbers rather than strings, NUMERIC (SUM of BIGINTs) as a number,
 * booleans (`EXISTS`, comparisons) as 1/0. BYTEA comes back as a Buffer already.
 */
const typeParsers: Partial<Record<number, (text: string) => unknown>> = {
  [builtins.INT8]: (text) => Number(text),
  [builtins.NUMERIC]: (text) => Number(text),
  [builtins.BOOL]: (text) => (text === 't' ? 1 : 0),
};
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    return typeParsers[oid] ?? pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * Parameters as pg expects them: byte arrays as Buffers (BYTEA), bigints as text; arrays pass
 * as they are (pg writes them as array literals).
 */
function toPg(params: SqlParams): unknown[] {
  return params.map((v: SqlValue | SqlArray) => {
    if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}

/**
 * SQLSTATEs meaning "the server cannot talk to us now": class 08 (connection exceptions),
 * operator intervention (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now)
 * and 53300 too many connections.
 */
const UNAVAILABLE_STATES = /^(08...|57P0[123]|53300)$/;
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
]);

/** Turns a failure to reach the server into DatabaseUnavailableError; other errors pass unchanged. */
export function asUnavailable(err: unknown): unknown {
  if (err instanceof DatabaseUnavailableError) return err;
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  // pg's own words when a connection dies or the pool cannot get one in time.
  const dropped =
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;
  if (UNAVAILABLE_STATES.test(code) || UNAVAILABLE_ERRNOS.has(code) || (!code && dropped.test(message))) {
    return new DatabaseUnavailableError({ cause: code || message });
  }
  return err;
}

const READS = /^\s*(SELECT|WITH|VALUES|SHOW|EXPLAIN)\b/i;

/**
 * `SqlDatabase` over a pool of PostgreSQL connections (npm `pg`): statements take `?` placeholders
 * (rewritten to `$n`), results come back as SQLite's would (see typeParsers), a transaction runs
 * on one pooled connection and is rolled back when its work throws, and a server that cannot be
 * reached gives DatabaseUnavailableError. Opening makes the schema_migrations table, so it fails
 * at once (unavailable) when the URL points nowhere.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<SqlDatabase> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types,
  });
  // An idle connection's error (the server restarted) is emitted on the pool; unheard, it would
  // end the process. The pool drops that connection and opens another when next needed.
  pool.on('error', (err) => options.onIdleError?.(err));

  const timed = async <T>(sql: string, call: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await call();
    } catch (err) {
      throw asUnavailable(err);
    } finally {
      options.timings?.observe({ kind: READS.test(sql) ? 'read' : 'write' }, (performance.now() - start) / 1000);
    }
  };
  const queries = (runner: pg.Pool | pg.PoolClient): SqlQueries => {
    const query = (sql: string, params: SqlParams) =>
      timed(sql, () => runner.query(toPostgresPlaceholders(sql), toPg(params)));
    return {
      dialect: 'postgres',
      async all<T>(sql: string, params: SqlParams = []) {
        return (await query(sql, params)).rows as T[];
      },
      async get<T>(sql: string, params: SqlParams = []) {
        return (await query(sql, params)).rows[0] as T | undefined;
      },
      async run(sql: string, params: SqlParams = []): Promise<SqlRunResult> {
        return { changes: (await query(sql, params)).rowCount ?? 0 };
      },
      async exec(sql: string) {
        // No parameters: the simple protocol, which runs several `;`-separated statements.
        await timed(sql, () => runner.query(sql));
      },
    };
  };

  const direct = queries(pool);
  const db: SqlDatabase = {
    ...direct,
    async transaction<T>(work: (tx: SqlQueries) => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw asUnavailable(err);
      }
      let broken: Error | undefined;
      // A connection that dies between two statements (a server restart, a terminated backend,
      // while the work awaits something else — a lock held for a git push) emits 'error' on the
      // checked-out client, where an unheard error would end the process. Heard here, the next
      // statement or COMMIT fails as unavailable and the connection is not reused.
      const onLost = (err: Error) => {
        broken = err;
        options.onIdleError?.(err);
      };
      client.on('error', onLost);
      try {
        await timed('BEGIN', () => client.query('BEGIN'));
        const result = await work(queries(client));
        await timed('COMMIT', () => client.query('COMMIT'));
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackErr) {
          // The connection is gone (or confused): never hand it to another caller.
          broken = rollbackErr as Error;
        }
        throw asUnavailable(err);
      } finally {
        client.off('error', onLost);
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
  try {
    // Several processes may start at once, and two concurrent CREATE TABLE IF NOT EXISTS can
    // still collide in PostgreSQL's catalog: one statement list is one implicit transaction, so
    // the lock holds until the table exists.
    await db.exec(`SELECT pg_advisory_xact_lock(hashtext('cairn:schema_migrations')); ${SCHEMA_MIGRATIONS_TABLE}`);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return db;
}
