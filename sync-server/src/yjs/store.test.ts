import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sqlEngines } from '../../../test/support/sql-engines.ts';
import { openDatabase } from '../db/database.ts';
import { sqliteSql } from '../db/sqlite-sql.ts';
import { makeSqlYjsStore } from './store.ts';

const dirs: string[] = [];
function tempDbFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-yjs-store-'));
  dirs.push(dir);
  return path.join(dir, 'cairn.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function textOf(updates: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u);
  return doc.getText('t').toString();
}

describe('the SQLite Yjs store', () => {
  it('keeps appended updates across a reopen of the database', async () => {
    const file = tempDbFile();
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    doc.getText('t').insert(0, 'hello');
    doc.getText('t').insert(5, ' world');

    const sql = sqliteSql(openDatabase(file));
    const store = makeSqlYjsStore(sql);
    for (const u of updates) await store.append('o/r/notes', u);
    await store.append('o/r/other', updates[0] as Uint8Array);
    await sql.close();

    const reopened = makeSqlYjsStore(sqliteSql(openDatabase(file)));
    expect(textOf(await reopened.load('o/r/notes'))).toBe('hello world');
    expect(textOf(await reopened.load('o/r/other'))).toBe('hello');
    expect(await reopened.load('o/r/missing')).toEqual([]);
  });
});

describe.each(sqlEngines())('the Yjs store on $name', (engine) => {
  it('compacts a document into one snapshot equal to its updates, leaving other documents alone', async () => {
    const { sql, cleanup } = await engine.open();
    try {
      const store = makeSqlYjsStore(sql);
      const doc = new Y.Doc();
      const appended: Promise<void>[] = [];
      doc.on('update', (u: Uint8Array) => appended.push(store.append('o/r/notes', u)));
      for (let i = 0; i < 50; i++) doc.getText('t').insert(i, String(i % 10));
      doc.getText('t').delete(0, 10);
      await Promise.all(appended);
      await store.append('o/r/other', Y.encodeStateAsUpdate(doc));
      await store.append('o/r/other', Y.encodeStateAsUpdate(doc));

      const before = await store.load('o/r/notes');
      expect(before.length).toBe(51);
      expect(textOf(before)).toBe(doc.getText('t').toString());
      await store.compact('o/r/notes');
      const after = await store.load('o/r/notes');
      expect(after.length).toBe(1);
      expect(textOf(after)).toBe(doc.getText('t').toString());
      expect((await store.load('o/r/other')).length).toBe(2);
    } finally {
      await cleanup();
    }
  });

  it('removes a document for good and remembers it', async () => {
    const { sql, cleanup } = await engine.open();
    try {
      const store = makeSqlYjsStore(sql);
      const doc = new Y.Doc();
      doc.getText('t').insert(0, 'gone');
      await store.append('o/r/old', Y.encodeStateAsUpdate(doc));
      expect(await store.isRemoved('o/r/old')).toBe(false);
      await store.remove('o/r/old', 'alice');
      await store.remove('o/r/old', 'alice');
      expect(await store.isRemoved('o/r/old')).toBe(true);
      expect(await store.load('o/r/old')).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});
