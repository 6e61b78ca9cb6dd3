import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from './database.ts';

describe('migrations', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const tmpDb = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-db-'));
    dirs.push(d);
    return path.join(d, 'cairn.db');
  };

  it('applies each version once, per feature, and keeps data across reopen', () => {
    const file = tmpDb();
    const v1 = ['CREATE TABLE a (x INTEGER)'];
    let db = openDatabase(file);
    migrate(db, 'alpha', v1);
    migrate(db, 'beta', ['CREATE TABLE b (y TEXT)']);
    db.prepare('INSERT INTO a VALUES (1)').run();
    db.close();
    db = openDatabase(file);
    migrate(db, 'alpha', [...v1, 'ALTER TABLE a ADD COLUMN z TEXT']);
    expect(db.prepare('SELECT x, z FROM a').all()).toEqual([{ x: 1, z: null }]);
    expect(db.prepare('SELECT feature, version FROM schema_migrations ORDER BY feature, version').all()).toEqual([
      { feature: 'alpha', version: 1 },
      { feature: 'alpha', version: 2 },
      { feature: 'beta', version: 1 },
    ]);
    db.close();
  });

  it('rolls back a failing migration and records nothing for it', () => {
    const db = openDatabase(tmpDb());
    expect(() => migrate(db, 'bad', ['CREATE TABLE ok (x)', 'CREATE TABLE ok (x)'])).toThrow();
    expect(db.prepare("SELECT version FROM schema_migrations WHERE feature = 'bad'").all()).toEqual([{ version: 1 }]);
    db.close();
  });
});
