import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { migrateSql } from './migrate-sql.ts';
import { sqliteSql } from './sqlite-sql.ts';

describe('sqliteSql', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const open = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-sql-'));
    dirs.push(d);
    return sqliteSql(openDatabase(path.join(d, 'cairn.db')));
  };

  it('runs statements with ? parameters and returns rows, first rows and changes', async () => {
    const sql = open();
    await sql.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, bytes BLOB)');
    const inserted = await sql.get<{ id: number }>('INSERT INTO t (name, bytes) VALUES (?, ?) RETURNING id', [
      'a',
      new Uint8Array([1, 2]),
    ]);
    expect(inserted).toEqual({ id: 1 });
    expect((await sql.run('INSERT INTO t (name) VALUES (?), (?)', ['b', 'c'])).changes).toBe(2);
    expect(await sql.all('SELECT name FROM t ORDER BY id')).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    expect(await sql.get('SELECT name FROM t WHERE id = ?', [99])).toBeUndefined();
    expect((await sql.run('DELETE FROM t WHERE name <> ?', ['a'])).changes).toBe(2);
    await sql.close();
  });

  it('rolls a failing transaction back whole', async () => {
    const sql = open();
    await sql.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
    await expect(
      sql.transaction(async (tx) => {
        await tx.run('INSERT INTO t VALUES (?)', ['kept?']);
        await tx.run('INSERT INTO t VALUES (?)', ['kept?']);
      }),
    ).rejects.toThrow(/UNIQUE/);
    expect(await sql.all('SELECT k FROM t')).toEqual([]);
    await sql.close();
  });

  it('lets no statement from outside land inside an open transaction, and runs transactions in turn', async () => {
    const sql = open();
    await sql.exec('CREATE TABLE log (n INTEGER)');
    const order: string[] = [];
    const first = sql.transaction(async (tx) => {
      order.push('t1 start');
      await tx.run('INSERT INTO log VALUES (1)');
      await new Promise((r) => setTimeout(r, 20));
      order.push('t1 end');
      throw new Error('undo t1');
    });
    const outside = sql.run('INSERT INTO log VALUES (2)').then(() => order.push('outside'));
    const second = sql.transaction(async (tx) => {
      order.push('t2 start');
      await tx.run('INSERT INTO log VALUES (3)');
      order.push('t2 end');
    });
    await expect(first).rejects.toThrow('undo t1');
    await Promise.all([outside, second]);
    expect(order.indexOf('t1 end')).toBeLessThan(order.indexOf('outside'));
    expect(order.indexOf('t1 end')).toBeLessThan(order.indexOf('t2 start'));
    // t1's row was rolled back; the outside write and t2 stayed.
    expect((await sql.all<{ n: number }>('SELECT n FROM log ORDER BY n')).map((r) => r.n)).toEqual([2, 3]);
    await sql.close();
  });

  it('migrates each version once and keeps what was applied across reopen', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-sql-'));
    dirs.push(d);
    const file = path.join(d, 'cairn.db');
    const v1 = { sqlite: ['CREATE TABLE a (x INTEGER)'], postgres: [] };
    let sql = sqliteSql(openDatabase(file));
    await migrateSql(sql, 'alpha', v1);
    await sql.run('INSERT INTO a VALUES (1)');
    await sql.close();
    sql = sqliteSql(openDatabase(file));
    await migrateSql(sql, 'alpha', { sqlite: [...v1.sqlite, 'ALTER TABLE a ADD COLUMN z TEXT'], postgres: [] });
    expect(await sql.all('SELECT x, z FROM a')).toEqual([{ x: 1, z: null }]);
    await expect(
      migrateSql(sql, 'bad', { sqlite: ['CREATE TABLE b (x)', 'CREATE TABLE b (x)'], postgres: [] }),
    ).rejects.toThrow();
    expect(await sql.all("SELECT version FROM schema_migrations WHERE feature = 'bad'")).toEqual([{ version: 1 }]);
    await sql.close();
  });
});
