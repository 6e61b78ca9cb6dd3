import * as Y from 'yjs';
import { type Db, migrate } from '../db/database.ts';

/**
 * Where Yjs documents live between restarts: an append-only log of updates per document,
 * merged into one snapshot now and then. The relay reaches storage only through `YjsStore`,
 * so a PostgreSQL (or slow, or failing) implementation can replace SQLite.
 */
export interface YjsStore {
  /** Every stored update of the document `key` (any order: Yjs updates commute). */
  load(key: string): Promise<Uint8Array[]>;
  /** Stores one update; resolves only once it is durable (on disk, fsynced). */
  append(key: string, update: Uint8Array): Promise<void>;
  /** Replaces the document's stored updates by one equivalent snapshot, atomically. */
  compact(key: string): Promise<void>;
}

const MIGRATIONS = [
  `CREATE TABLE yjs_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc TEXT NOT NULL,
    data BLOB NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX yjs_updates_by_doc ON yjs_updates (doc, id);`,
];

/**
 * The embedded store: one `yjs_updates` table. The database runs with `synchronous = FULL`, so
 * an INSERT that returned is on disk: `append` resolving means durable.
 */
export function makeSqliteYjsStore(db: Db): YjsStore {
  migrate(db, 'yjs', MIGRATIONS);
  const selectAll = db.prepare<[string], { id: number; data: Buffer }>(
    'SELECT id, data FROM yjs_updates WHERE doc = ? ORDER BY id',
  );
  const insert = db.prepare<[string, Buffer, number]>(
    'INSERT INTO yjs_updates (doc, data, created_at) VALUES (?, ?, ?)',
  );
  const deleteUpTo = db.prepare<[string, number]>('DELETE FROM yjs_updates WHERE doc = ? AND id <= ?');
  const compact = db.transaction((key: string) => {
    const rows = selectAll.all(key);
    if (rows.length < 2) return;
    // Through a Doc rather than Y.mergeUpdates: the doc garbage-collects deleted content,
    // so the snapshot holds what the document is, not every keystroke that built it.
    const doc = new Y.Doc();
    for (const row of rows) Y.applyUpdate(doc, row.data);
    const snapshot = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    deleteUpTo.run(key, (rows.at(-1) as { id: number }).id);
    insert.run(key, Buffer.from(snapshot), Date.now());
  });
  return {
    async load(key) {
      return selectAll.all(key).map((r) => new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength));
    },
    async append(key, update) {
      insert.run(key, Buffer.from(update), Date.now());
    },
    async compact(key) {
      compact(key);
    },
  };
}
