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
  /**
   * Deletes the document for good: its updates go and its name is remembered as deleted, so a
   * device that still holds a copy cannot bring it back by syncing (note ids are never reused).
   */
  remove(key: string, by: string): Promise<void>;
  /** Whether `remove` was called for `key`. */
  isRemoved(key: string): Promise<boolean>;
}

const MIGRATIONS = [
  `CREATE TABLE yjs_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc TEXT NOT NULL,
    data BLOB NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX yjs_updates_by_doc ON yjs_updates (doc, id);`,
  `CREATE TABLE yjs_removed (
    doc TEXT PRIMARY KEY,
    removed_at INTEGER NOT NULL,
    removed_by TEXT NOT NULL
  );`,
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
  const markRemoved = db.prepare<[string, number, string]>(
    'INSERT OR IGNORE INTO yjs_removed (doc, removed_at, removed_by) VALUES (?, ?, ?)',
  );
  const deleteAll = db.prepare<[string]>('DELETE FROM yjs_updates WHERE doc = ?');
  const removedRow = db.prepare<[string], { doc: string }>('SELECT doc FROM yjs_removed WHERE doc = ?');
  const remove = db.transaction((key: string, by: string) => {
    markRemoved.run(key, Date.now(), by);
    deleteAll.run(key);
  });
  return {
    async remove(key, by) {
      remove(key, by);
    },
    async isRemoved(key) {
      return removedRow.get(key) !== undefined;
    },
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
