import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDatabase } from '../db/database.ts';
import { sqliteSql } from '../db/sqlite-sql.ts';
import { makeLogger } from '../log.ts';
import type { RoomPeer } from './doc-room.ts';
import { DocRooms } from './doc-rooms.ts';
import { parseClientMessage, writeUpdateMessage } from './messages.ts';
import { makeSqlYjsStore } from './store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(idleUnloadMs: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-yjs-rooms-'));
  dirs.push(dir);
  const db = openDatabase(path.join(dir, 'cairn.db'));
  const store = makeSqlYjsStore(sqliteSql(db));
  const rooms = new DocRooms({
    store,
    log: makeLogger('silent'),
    idleUnloadMs,
    compactAfterUpdates: 1000,
    maxAwarenessBytes: 64 * 1024,
  });
  return { db, store, rooms };
}

const peer = (): RoomPeer => ({ canWrite: true, label: 't', send: () => {}, close: () => {} });

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

describe('the loaded documents', () => {
  it('unloads a document once it has been idle, compacting what it stored', async () => {
    const { db, store, rooms } = setup(30);
    const p = peer();
    const room = rooms.join('o/r/notes', p);
    const source = new Y.Doc();
    source.on('update', (u: Uint8Array) => room.receive(p, parseClientMessage(writeUpdateMessage(u))));
    for (let i = 0; i < 20; i++) source.getText('t').insert(i, 'x');
    await room.settled();
    expect((await store.load('o/r/notes')).length).toBe(20);

    room.leave(p);
    expect(rooms.loadedCount).toBe(1);
    await until(() => rooms.loadedCount === 0);
    await until(() => room.state === 'closed');
    const stored = await store.load('o/r/notes');
    expect(stored.length).toBe(1);
    const replica = new Y.Doc();
    Y.applyUpdate(replica, stored[0] as Uint8Array);
    expect(replica.getText('t').toString()).toBe('x'.repeat(20));
    await rooms.close();
    db.close();
  });

  it('keeps a document whose peer comes back before the idle time is up', async () => {
    const { db, rooms } = setup(200);
    const p = peer();
    const room = rooms.join('o/r/notes', p);
    room.leave(p);
    const again = rooms.join('o/r/notes', peer());
    expect(again).toBe(room);
    await new Promise((r) => setTimeout(r, 300));
    expect(rooms.loadedCount).toBe(1);
    await rooms.close();
    expect(rooms.loadedCount).toBe(0);
    db.close();
  });
});
