import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sharedPostgres, sqlEngines } from '../../../test/support/sql-engines.ts';
import { openDatabase } from '../db/database.ts';
import { openPostgres } from '../db/postgres-sql.ts';
import type { SqlDatabase } from '../db/sql.ts';
import { sqliteSql } from '../db/sqlite-sql.ts';

/**
 * The databases the MLflow store tests run against (test/support/sql-engines.ts: SQLite, and
 * PostgreSQL where installed), each opened empty with a second connection to it — what another
 * server process sharing the database holds. Call `mlflowEngines()` at a test file's top level,
 * for `describe.each`.
 */
export interface Engine {
  name: 'sqlite' | 'postgres';
  open(): Promise<OpenDatabase>;
}
export interface OpenDatabase {
  sql: SqlDatabase;
  /** Another connection to the same database, closed by `dispose`. */
  connectAgain(): Promise<SqlDatabase>;
  dispose(): Promise<void>;
}

const sqlite: Engine = {
  name: 'sqlite',
  async open() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-mlflow-sql-'));
    const file = path.join(dir, 'test.db');
    return withConnections(
      async () => sqliteSql(openDatabase(file)),
      async () => fs.rmSync(dir, { recursive: true, force: true }),
    );
  },
};

const postgres: Engine = {
  name: 'postgres',
  async open() {
    const url = await (await sharedPostgres()).freshDatabase();
    return withConnections(
      () => openPostgres(url, { maxConnections: 4 }),
      async () => undefined,
    );
  },
};

async function withConnections(connect: () => Promise<SqlDatabase>, remove: () => Promise<void>) {
  const open = [await connect()];
  return {
    sql: open[0] as SqlDatabase,
    async connectAgain() {
      const sql = await connect();
      open.push(sql);
      return sql;
    },
    async dispose() {
      for (const sql of open) await sql.close();
      await remove();
    },
  };
}

export function mlflowEngines(): Engine[] {
  return sqlEngines().map((e) => (e.name === 'postgres' ? postgres : sqlite));
}
