import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

  it('lets several processes open and migrate one new database at once (a service manager starting them together)', async () => {
    const file = tmpDb();
    const database = path.join(path.dirname(fileURLToPath(import.meta.url)), 'database.ts');
    // Each process: open the new file (WAL), then the same 20 migrations of two features.
    const script = `
      const { openDatabase, migrate } = await import(${JSON.stringify(database)});
      const db = openDatabase(${JSON.stringify(file)});
      const versions = Array.from({ length: 20 }, (_, i) => 'CREATE TABLE t' + i + ' (x INTEGER)');
      migrate(db, 'alpha', versions);
      migrate(db, 'beta', versions.map((v) => v.replace('TABLE t', 'TABLE u')));
      db.close();`;
    const run = () =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
        });
        child.on('exit', (code) => resolve({ code, err }));
      });
    const results = await Promise.all(Array.from({ length: 6 }, run));
    expect(results.map((r) => r.err.split('\n').find((l) => /Error|locked/.test(l)) ?? '')).toEqual(
      results.map(() => ''),
    );
    expect(results.map((r) => r.code)).toEqual(results.map(() => 0));
    const db = openDatabase(file);
    expect(db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: 40 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  }, 60_000);

  it('rolls back a failing migration and records nothing for it', () => {
    const db = openDatabase(tmpDb());
    expect(() => migrate(db, 'bad', ['CREATE TABLE ok (x)', 'CREATE TABLE ok (x)'])).toThrow();
    expect(db.prepare("SELECT version FROM schema_migrations WHERE feature = 'bad'").all()).toEqual([{ version: 1 }]);
    db.close();
  });
});
