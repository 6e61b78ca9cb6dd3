import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { makeLogger } from '../log.ts';
import { DocRoom, type RoomPeer } from './doc-room.ts';
import {
  MESSAGE_AUTH,
  MESSAGE_AWARENESS,
  MESSAGE_SYNC,
  parseClientMessage,
  writeAwarenessMessage,
  writeUpdateMessage,
} from './messages.ts';
import type { YjsStore } from './store.ts';

/** An in-memory store whose calls can be held back, to test what the room does meanwhile. */
function memoryStore() {
  const rows = new Map<string, Uint8Array[]>();
  const events: string[] = [];
  let gate: Promise<void> = Promise.resolve();
  let failAppends = false;
  const store: YjsStore = {
    async load(key) {
      events.push('load:start');
      await gate;
      events.push('load:done');
      return [...(rows.get(key) ?? [])];
    },
    async append(key, update) {
      await gate;
      if (failAppends) throw new Error('disk full');
      events.push('append');
      rows.set(key, [...(rows.get(key) ?? []), update]);
    },
    async compact(key) {
      const all = rows.get(key) ?? [];
      if (all.length > 1) rows.set(key, [Y.mergeUpdates(all)]);
      events.push('compact');
    },
    async remove(key) {
      rows.delete(key);
    },
    async isRemoved() {
      return false;
    },
  };
  return {
    store,
    rows,
    events,
    hold() {
      let release = () => {};
      gate = new Promise((r) => {
        release = r;
      });
      return release;
    },
    failAppends(v: boolean) {
      failAppends = v;
    },
  };
}

/** A peer that records what it is sent, decoded into a readable form. */
function testPeer(canWrite: boolean, events?: string[]) {
  const received: Uint8Array[] = [];
  const closes: Array<{ code: number; reason: string }> = [];
  const name = canWrite ? 'writer' : 'reader';
  const peer: RoomPeer = {
    canWrite,
    label: name,
    send: (m) => {
      received.push(m);
      events?.push(`send:${name}`);
    },
    close: (code, reason) => closes.push({ code, reason }),
  };
  return { peer, received, closes };
}

function step1(doc: Y.Doc) {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_SYNC);
  syncProtocol.writeSyncStep1(e, doc);
  return parseClientMessage(encoding.toUint8Array(e));
}

/** Applies every sync message the peer received to `doc` (what a y-websocket client does). */
function applyReceived(doc: Y.Doc, received: Uint8Array[]): void {
  for (const m of received) {
    if (m[0] !== MESSAGE_SYNC) continue;
    const d = { arr: m, pos: 1 };
    syncProtocol.readSyncMessage(d, encoding.createEncoder(), doc, 'server');
  }
}

function makeRoom(store: YjsStore, compactAfterUpdates = 1000) {
  return new DocRoom({
    key: 'o/r/notes',
    store,
    log: makeLogger('silent'),
    compactAfterUpdates,
    onEmpty: () => {},
    onUnavailable: () => {},
  });
}

describe('a document room', () => {
  it('answers no SyncStep1 before the stored document has loaded', async () => {
    const mem = memoryStore();
    const stored = new Y.Doc();
    stored.getText('t').insert(0, 'from disk');
    mem.rows.set('o/r/notes', [Y.encodeStateAsUpdate(stored)]);
    const release = mem.hold();

    const room = makeRoom(mem.store);
    const client = testPeer(true);
    room.join(client.peer);
    room.receive(client.peer, step1(new Y.Doc()));
    await new Promise((r) => setTimeout(r, 20));
    expect(client.received).toEqual([]);
    expect(room.state).toBe('loading');

    release();
    await room.settled();
    const replica = new Y.Doc();
    applyReceived(replica, client.received);
    expect(replica.getText('t').toString()).toBe('from disk');
    await room.close();
  });

  it('stores an update before relaying it, and relays it to every other peer', async () => {
    const mem = memoryStore();
    const room = makeRoom(mem.store);
    const a = testPeer(true, mem.events);
    const b = testPeer(true, mem.events);
    const r = testPeer(false, mem.events);
    for (const p of [a, b, r]) room.join(p.peer);
    await room.settled();
    mem.events.length = 0;

    const source = new Y.Doc();
    source.getText('t').insert(0, 'hi');
    room.receive(a.peer, parseClientMessage(writeUpdateMessage(Y.encodeStateAsUpdate(source))));
    await room.settled();
    expect(mem.events).toEqual(['append', 'send:writer', 'send:reader']);
    for (const p of [b, r]) {
      const replica = new Y.Doc();
      applyReceived(replica, p.received);
      expect(replica.getText('t').toString()).toBe('hi');
    }
    await room.close();
  });

  it('does not store or relay state it already holds (a client re-sending after a restart)', async () => {
    const mem = memoryStore();
    const room = makeRoom(mem.store);
    const a = testPeer(true);
    room.join(a.peer);
    const source = new Y.Doc();
    source.getText('t').insert(0, 'once');
    const full = parseClientMessage(writeUpdateMessage(Y.encodeStateAsUpdate(source)));
    room.receive(a.peer, full);
    room.receive(a.peer, full);
    room.receive(a.peer, full);
    await room.settled();
    expect(mem.rows.get('o/r/notes')?.length).toBe(1);
    await room.close();
  });

  it("never applies a read-only peer's update and tells it so once", async () => {
    const mem = memoryStore();
    const room = makeRoom(mem.store);
    const reader = testPeer(false);
    const writer = testPeer(true);
    room.join(reader.peer);
    room.join(writer.peer);
    await room.settled();
    const writerSeenBefore = writer.received.length;
    const source = new Y.Doc();
    source.getText('t').insert(0, 'vandalism');
    const update = parseClientMessage(writeUpdateMessage(Y.encodeStateAsUpdate(source)));
    room.receive(reader.peer, update);
    room.receive(reader.peer, update);
    await room.settled();
    expect(room.doc.getText('t').toString()).toBe('');
    expect(mem.rows.get('o/r/notes')).toBeUndefined();
    expect(writer.received.length).toBe(writerSeenBefore);
    const denials = reader.received.filter((m) => m[0] === MESSAGE_AUTH);
    expect(denials.length).toBe(1);
    // A reader is never asked for its state.
    expect(reader.received.some((m) => m[0] === MESSAGE_SYNC && m[1] === 0)).toBe(false);
    await room.close();
  });

  it('drops its copy and disconnects everyone when storage fails, so unsaved state is never served', async () => {
    const mem = memoryStore();
    const room = makeRoom(mem.store);
    const a = testPeer(true);
    const b = testPeer(true);
    room.join(a.peer);
    room.join(b.peer);
    await room.settled();
    mem.failAppends(true);
    const source = new Y.Doc();
    source.getText('t').insert(0, 'lost?');
    const before = b.received.length;
    room.receive(a.peer, parseClientMessage(writeUpdateMessage(Y.encodeStateAsUpdate(source))));
    await room.settled();
    expect(room.state).toBe('unavailable');
    expect(b.received.length).toBe(before);
    expect(a.closes[0]?.code).toBe(1011);
    expect(b.closes[0]?.code).toBe(1011);
  });

  it('compacts its stored updates past the threshold', async () => {
    const mem = memoryStore();
    const room = makeRoom(mem.store, 10);
    const a = testPeer(true);
    room.join(a.peer);
    const source = new Y.Doc();
    source.on('update', (u: Uint8Array) => room.receive(a.peer, parseClientMessage(writeUpdateMessage(u))));
    for (let i = 0; i < 25; i++) source.getText('t').insert(i, 'x');
    await room.settled();
    expect(mem.events.filter((e) => e === 'compact').length).toBe(2);
    const stored = mem.rows.get('o/r/notes') ?? [];
    expect(stored.length).toBeLessThan(10);
    const replica = new Y.Doc();
    for (const u of stored) Y.applyUpdate(replica, u);
    expect(replica.getText('t').toString()).toBe('x'.repeat(25));
    await room.close();
  });

  it('relays presence, drops it when its peer leaves, and closes a peer claiming too many clients', async () => {
    const mem = memoryStore();
    const room = makeRoom(mem.store);
    const a = testPeer(true);
    const b = testPeer(true);
    room.join(a.peer);
    room.join(b.peer);
    await room.settled();
    const presence = (clientIDs: number[]) => {
      const doc = new Y.Doc();
      const aw = new awarenessProtocol.Awareness(doc);
      for (const id of clientIDs) {
        aw.states.set(id, { user: `u${id}` });
        aw.meta.set(id, { clock: 1, lastUpdated: 0 });
      }
      const message = writeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(aw, clientIDs));
      aw.destroy();
      return parseClientMessage(message);
    };
    room.receive(a.peer, presence([11]));
    await room.settled();
    expect(b.received.some((m) => m[0] === MESSAGE_AWARENESS)).toBe(true);
    expect(room.awareness.getStates().has(11)).toBe(true);

    room.leave(a.peer);
    expect(room.awareness.getStates().has(11)).toBe(false);

    room.receive(b.peer, presence(Array.from({ length: 17 }, (_, i) => 100 + i)));
    await room.settled();
    expect(b.closes[0]?.code).toBe(1008);
    expect(room.awareness.getStates().size).toBe(0);
    await room.close();
  });
});
