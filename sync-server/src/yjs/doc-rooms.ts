import type { Logger } from '../log.ts';
import { CLOSE_GOING_AWAY, DocRoom, type RoomPeer } from './doc-room.ts';
import type { YjsStore } from './store.ts';

/**
 * The documents loaded in memory, by key. A document is loaded when its first peer joins and
 * unloaded (compacted, then freed) once it has had no peer for `idleUnloadMs`.
 */
export interface DocRoomsOptions {
  store: YjsStore;
  log: Logger;
  idleUnloadMs: number;
  compactAfterUpdates: number;
  maxAwarenessBytes: number;
  /** Sends presence to other server processes (fanout.ts); absent with one process. */
  publishAwareness?(key: string, update: Uint8Array): void;
}

export class DocRooms {
  private readonly rooms = new Map<string, DocRoom>();
  private readonly idleTimers = new Map<DocRoom, NodeJS.Timeout>();
  private readonly unloading = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly opts: DocRoomsOptions) {}

  /** Number of documents in memory. */
  get loadedCount(): number {
    return this.rooms.size;
  }

  /** The room of `key` if it is in memory (tests and diagnostics). */
  peek(key: string): DocRoom | undefined {
    return this.rooms.get(key);
  }

  /** Joins `peer` to the document `key`, loading it first if needed. */
  join(key: string, peer: RoomPeer): DocRoom {
    if (this.closed) {
      peer.close(CLOSE_GOING_AWAY, 'server closing');
      throw new Error('the Yjs relay is closed');
    }
    let room = this.rooms.get(key);
    if (!room) {
      room = new DocRoom({
        key,
        store: this.opts.store,
        log: this.opts.log,
        compactAfterUpdates: this.opts.compactAfterUpdates,
        maxAwarenessBytes: this.opts.maxAwarenessBytes,
        ...(this.opts.publishAwareness
          ? { publishAwareness: (update: Uint8Array) => this.opts.publishAwareness?.(key, update) }
          : {}),
        onEmpty: (r) => this.scheduleUnload(r),
        onUnavailable: (r) => this.forget(r),
      });
      this.rooms.set(key, room);
    }
    const timer = this.idleTimers.get(room);
    if (timer) {
      clearTimeout(timer);
      this.idleTimers.delete(room);
    }
    room.join(peer);
    return room;
  }

  /**
   * Another process stored update `id` of `key` (fanout.ts): if the document is open here, read
   * that row and relay it. A row already merged into a snapshot is gone; the whole document is
   * re-read instead (the snapshot holds it).
   */
  storedElsewhere(key: string, id: number): void {
    const room = this.rooms.get(key);
    if (!room) return;
    const { store } = this.opts;
    room.applyStored(async () => {
      const update = await store.readUpdate?.(key, id);
      return update ? [update] : store.load(key);
    });
  }

  /** Presence from another process's peers of `key`, relayed here if the document is open. */
  awarenessElsewhere(key: string, update: Uint8Array): void {
    this.rooms.get(key)?.applyRemoteAwareness(update);
  }

  /** Re-reads every open document (the fan-out reconnected and may have missed updates). */
  reloadAll(): void {
    for (const room of this.rooms.values()) room.applyStored(() => this.opts.store.load(room.key));
  }

  /**
   * Closes the document `key` if it is loaded (its peers get `code`) and resolves once no work
   * on it is pending — including unloads already under way — so it can be deleted from storage.
   */
  async evict(key: string, code: number, reason: string): Promise<void> {
    const room = this.rooms.get(key);
    if (room) {
      this.forget(room);
      await room.close(code, reason).catch((err: unknown) => {
        this.opts.log.error('yjs evict failed', { doc: key, error: String(err) });
      });
    }
    await Promise.all([...this.unloading]);
  }

  /** Unloads every document (server shutdown); peers get 1001 "going away". */
  async close(): Promise<void> {
    this.closed = true;
    for (const room of [...this.rooms.values()]) this.unload(room);
    await Promise.all([...this.unloading]);
  }

  private scheduleUnload(room: DocRoom): void {
    if (this.idleTimers.has(room)) return;
    const timer = setTimeout(() => {
      this.idleTimers.delete(room);
      if (room.peerCount === 0 && this.rooms.get(room.key) === room) this.unload(room);
    }, this.opts.idleUnloadMs);
    timer.unref();
    this.idleTimers.set(room, timer);
  }

  private unload(room: DocRoom): void {
    this.forget(room);
    const done = room.close().catch((err: unknown) => {
      this.opts.log.error('yjs unload failed', { doc: room.key, error: String(err) });
    });
    this.unloading.add(done);
    void done.finally(() => this.unloading.delete(done));
  }

  private forget(room: DocRoom): void {
    if (this.rooms.get(room.key) === room) this.rooms.delete(room.key);
    const timer = this.idleTimers.get(room);
    if (timer) clearTimeout(timer);
    this.idleTimers.delete(room);
  }
}
