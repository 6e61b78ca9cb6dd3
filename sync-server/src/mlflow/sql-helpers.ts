import type { SqlDatabase, SqlQueries, SqlValue } from '../db/sql.ts';

/**
 * Small SQL helpers the MLflow stores share: running a store inside a caller's transaction,
 * multi-row statements, and IN lists — each shaped so the number of distinct statement texts
 * stays small (SQLite caches prepared statements by text, PostgreSQL may too).
 */

/**
 * A database whose statements run in the open transaction `tx`, and whose `transaction` joins
 * it (runs `work` on `tx`): a store built on it does all its work in the caller's transaction,
 * committed or rolled back with it. Closing it is the owner's business, not the store's.
 */
export function joinTransaction(tx: SqlQueries): SqlDatabase {
  return {
    dialect: tx.dialect,
    all: (sql, params) => tx.all(sql, params),
    get: (sql, params) => tx.get(sql, params),
    run: (sql, params) => tx.run(sql, params),
    exec: (sql) => tx.exec(sql),
    transaction: (work) => work(tx),
    close: async () => {
      throw new Error('A joined transaction is closed by whoever opened it.');
    },
  };
}

/** Largest group of rows per statement: a power of two, see `groups`. */
const MAX_GROUP = 256;

/**
 * Splits `rows` into groups whose sizes are powers of two (256, then 128, 64, … for the rest),
 * so multi-row statements come in at most nine shapes whatever the batch size.
 */
export function groups<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  while (i < rows.length) {
    let size = MAX_GROUP;
    while (size > rows.length - i) size >>= 1;
    out.push(rows.slice(i, i + size));
    i += size;
  }
  return out;
}

/** `(?, ?, …), (?, ?, …)`: `count` rows of `width` placeholders. */
export function valuesList(count: number, width: number): string {
  const row = `(${Array.from({ length: width }, () => '?').join(', ')})`;
  return Array.from({ length: count }, () => row).join(', ');
}

/**
 * Runs `INSERT … VALUES <rows> <tail>` in power-of-two groups of rows (one round trip per group
 * rather than per row on PostgreSQL) and returns the rows any `RETURNING` in `tail` gave.
 *
 * With `pgTypes` (each column's PostgreSQL type, e.g. `bigint`), PostgreSQL gets every row in one
 * statement instead: `INSERT … SELECT * FROM unnest(?::bigint[], ?::text[], …)`, one array per
 * column. One short statement to parse and plan rather than one of thousands of placeholders per
 * group: log-batch's 1,000 points went from 7 statements to 1 (bench/mlflow-sql.bench.ts).
 */
export async function insertRows<R = Record<string, unknown>>(
  q: SqlQueries,
  head: string,
  rows: ReadonlyArray<readonly SqlValue[]>,
  tail = '',
  pgTypes?: readonly string[],
): Promise<R[]> {
  const out: R[] = [];
  const width = rows[0]?.length ?? 0;
  const returns = /\bRETURNING\b/i.test(tail);
  if (q.dialect === 'postgres' && pgTypes && rows.length > 0) {
    if (pgTypes.length !== width) throw new Error(`insertRows: ${pgTypes.length} types for ${width} columns`);
    const columns = pgTypes.map((_, c) => rows.map((r) => r[c] as string | number | null));
    const sql = `${head} SELECT * FROM unnest(${pgTypes.map((t) => `?::${t}[]`).join(', ')}) ${tail}`;
    if (returns) return q.all<R>(sql, columns);
    await q.run(sql, columns);
    return out;
  }
  for (const group of groups(rows)) {
    const sql = `${head} VALUES ${valuesList(group.length, width)} ${tail}`;
    const params = group.flat();
    if (returns) out.push(...(await q.all<R>(sql, params)));
    else await q.run(sql, params);
  }
  return out;
}

/**
 * `?, ?, …` for an IN list of `values`, padded by repeating the last value up to the next power
 * of two (repeats change nothing in an IN list), with the values to bind.
 */
export function inList(values: readonly SqlValue[]): { marks: string; params: SqlValue[] } {
  let size = 1;
  while (size < values.length) size <<= 1;
  const params = [...values];
  while (params.length < size) params.push(values[values.length - 1] as SqlValue);
  return { marks: params.map(() => '?').join(','), params };
}
