import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../db/database.ts';
import type { SqlDatabase } from '../db/sql.ts';
import { sqliteSql } from '../db/sqlite-sql.ts';

/**
 * The databases the MLflow store tests run against: each opens an empty database and gives it
 * back with a second connection to it (what another server process sharing it would hold) and
 * a way to drop it. Tests use `describe.each(ENGINES)`.
 */
export interface Engine {
  name: string;
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
    const open = [sqliteSql(openDatabase(file))];
    return {
      sql: open[0] as SqlDatabase,
      async connectAgain() {
        const sql = sqliteSql(openDatabase(file));
        open.push(sql);
        return sql;
      },
      async dispose() {
        for (const sql of open) await sql.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const ENGINES: Engine[] = [sqlite];
