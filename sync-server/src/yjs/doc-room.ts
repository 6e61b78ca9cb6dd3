import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Logger } from '../log.ts';
import {
  type ClientMessage,
  writeAwarenessMessage,
  writePermissionDeniedMessage,
  writeSyncStep1Message,
  writeSyncStep2Message,
  writeUpdateMessage,
} from './messages.ts';
import type { YjsStore } from './store.ts';

/**
 * One live document on the server: its Y.Doc and awareness, the peers connected to it, and
 * the order in which their messages are handled. It owns the promises of the relay:
 * - nothing is answered before the stored document has loaded (messages wait in the queue);
 * - an update reaches storage before any other peer can see it (persist, then broadcast), and
 *   only the part the document did not already hold is stored, so re-sent state is not
 *   duplicated;
 * - read-only peers receive everything but their updates are never applied;
 * - if storage fails, the in-memory copy is dropped and every peer is disconnected, so no
 *   peer is ever served state that is not durable.
 */

export type RoomState = 'loading' | 'ready' | 'unavailable' | 'closed';

/** A connected client as the room sees it: the socket layer implements this. */
export interface RoomPeer {
  readonly canWrite: boolean;
  /** A label for logs (never a token). */
  readonly label: string;
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
}

export interface DocRoomOptions {
  key: string;
  store: YjsStore;
  log: Logger;
  /** Stored updates past which they are merged into one snapshot. */
  compactAfterUpdates: number;
  /** Awareness client ids one peer may publish (one per tab in practice). */
  maxAwarenessClientsPerPeer?: number;
  maxAwarenessBytes?: number;
  /**
   * Tells other server processes about presence published by this room's peers (fanout.ts);
   * absent with one process.
   */
  publishAwareness?(update: Uint8Array): void;
  /** Called when the last peer has left (the registry starts its idle timer). */
  onEmpty(room: DocRoom): void;
  /** Called once the room can no longer be used (storage failed); the registry forgets it. */
  onUnavailable(room: DocRoom): void;
}

/** WebSocket close codes the room uses (PROTOCOL.md lists them all). */
export const CLOSE_INVALID_DATA = 1007;
export const CLOSE_POLICY = 1008;
export const CLOSE_INTERNAL = 1011;
export const CLOSE_GOING_AWAY = 1001;

/** Transaction origin of updates another process stored (fanout.ts). */
const REMOTE = Symbol('stored by another process');

interface PeerState {
  /** Awareness client ids this peer published; removed when it leaves. */
  awarenessClients: Set<number>;
  deniedSent: boolean;
}

export class DocRoom {
  readonly key: string;
  state: RoomState = 'loading';
  readonly doc = new Y.Doc();
  readonly awareness: awarenessProtocol.Awareness;
  private readonly peers = new Map<RoomPeer, PeerState>();
  private queue: Promise<void>;
  /** Rows of this document in storage (approximately; reset by compaction). */
  private storedUpdates = 0;
  private readonly opts: DocRoomOptions;

  constructor(opts: DocRoomOptions) {
    this.opts = opts;
    this.key = opts.key;
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    // The server has no presence of its own.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onAwarenessChange);
    this.queue = this.load();
  }

  get peerCount(): number {
    return this.peers.size;
  }

  /** Resolves once every message received so far has been handled (tests, shutdown). */
  settled(): Promise<void> {
    return this.queue;
  }

  /** Adds a peer. Its greeting (SyncStep1, presence) is sent once the document has loaded. */
  join(peer: RoomPeer): void {
    if (this.state === 'unavailable' || this.state === 'closed') {
      peer.close(CLOSE_INTERNAL, 'document unavailable, retry');
      return;
    }
    this.peers.set(peer, { awarenessClients: new Set(), deniedSent: false });
    this.enqueue(async () => {
      if (!this.peers.has(peer)) return;
      // Read-only peers are not asked for their state: they may not write it.
      if (peer.canWrite) peer.send(writeSyncStep1Message(this.doc));
      const states = this.awareness.getStates();
      if (states.size > 0) {
        peer.send(writeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])));
      }
    });
  }

  /** Removes a peer and its presence. Safe to call more than once. */
  leave(peer: RoomPeer): void {
    const state = this.peers.get(peer);
    if (!state) return;
    this.peers.delete(peer);
    if (state.awarenessClients.size > 0 && this.state !== 'closed' && this.state !== 'unavailable') {
      const gone = [...state.awarenessClients];
      awarenessProtocol.removeAwarenessStates(this.awareness, gone, null);
      // Only ids the awareness knows can be encoded (one whose update was never applied has none).
      const known = gone.filter((id) => this.awareness.meta.has(id));
      if (known.length > 0) {
        this.opts.publishAwareness?.(awarenessProtocol.encodeAwarenessUpdate(this.awareness, known));
      }
    }
    if (this.peers.size === 0) this.opts.onEmpty(this);
  }

  /** Handles one validated message of `peer`, after every message received before it. */
  receive(peer: RoomPeer, message: ClientMessage): void {
    this.enqueue(() => this.handle(peer, message));
  }

  /**
   * Applies updates another server process already stored (fanout.ts) and relays what was new
   * to every peer here. `read` starts at once (the database answers while earlier messages are
   * handled); applying waits its turn. Nothing is stored: the rows are there already.
   */
  applyStored(read: () => Promise<Uint8Array[]>): void {
    const rows = read();
    rows.catch(() => undefined); // reported by the task below, in its turn
    this.enqueue(async () => {
      const updates = await rows;
      const fresh: Uint8Array[] = [];
      const collect = (u: Uint8Array) => fresh.push(u);
      this.doc.on('update', collect);
      try {
        this.doc.transact(() => {
          for (const update of updates) Y.applyUpdate(this.doc, update, REMOTE);
        });
      } finally {
        this.doc.off('update', collect);
      }
      this.storedUpdates += updates.length;
      if (fresh.length === 0) return; // already here (a reload after reconnecting)
      const message = writeUpdateMessage(fresh.length === 1 ? (fresh[0] as Uint8Array) : Y.mergeUpdates(fresh));
      for (const peer of this.peers.keys()) peer.send(message);
    });
  }

  /**
   * Unloads the document: closes the remaining peers, waits for queued work, merges the stored
   * updates into one snapshot so the next load is quick, and frees the memory.
   */
  async close(code = CLOSE_GOING_AWAY, reason = 'server closing'): Promise<void> {
    if (this.state === 'closed') return;
    if (this.state === 'unavailable') {
      this.state = 'closed';
      return;
    }
    for (const peer of [...this.peers.keys()]) peer.close(code, reason);
    this.peers.clear();
    await this.queue;
    const wasReady = this.state === 'ready';
    this.state = 'closed';
    if (wasReady && this.storedUpdates > 1) {
      try {
        await this.opts.store.compact(this.key);
      } catch (err) {
        this.opts.log.error('yjs compaction failed', { doc: this.key, error: String(err) });
      }
    }
    this.awareness.off('update', this.onAwarenessChange);
    this.awareness.destroy();
    this.doc.destroy();
  }

  private enqueue(task: () => Promise<void> | void): void {
    this.queue = this.queue.then(async () => {
      if (this.state !== 'ready') return;
      try {
        await task();
      } catch (err) {
        this.opts.log.error('yjs message handling failed', { doc: this.key, error: String(err) });
        this.fail('internal error');
      }
    });
  }

  private async load(): Promise<void> {
    try {
      const updates = await this.opts.store.load(this.key);
      this.doc.transact(() => {
        for (const update of updates) Y.applyUpdate(this.doc, update);
      });
      this.storedUpdates = updates.length;
      if (this.state === 'loading') this.state = 'ready';
    } catch (err) {
      this.opts.log.error('yjs document failed to load', { doc: this.key, error: String(err) });
      this.fail('document failed to load');
    }
  }

  private async handle(peer: RoomPeer, message: ClientMessage): Promise<void> {
    const state = this.peers.get(peer);
    if (!state) return;
    switch (message.type) {
      case 'sync-step1':
        peer.send(writeSyncStep2Message(this.doc, message.stateVector));
        return;
      case 'sync-step2':
      case 'update':
        if (!peer.canWrite) {
          if (!state.deniedSent) {
            state.deniedSent = true;
            peer.send(writePermissionDeniedMessage('read-only access: your changes to this document are not saved'));
          }
          return;
        }
        await this.applyFromPeer(peer, message.update);
        return;
      case 'awareness':
        this.applyAwareness(peer, state, message);
        return;
      case 'query-awareness':
        peer.send(
          writeAwarenessMessage(
            awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()]),
          ),
        );
        return;
    }
  }

  /** Applies, persists, then relays: no other peer sees an update before it is durable. */
  private async applyFromPeer(peer: RoomPeer, update: Uint8Array): Promise<void> {
    const fresh: Uint8Array[] = [];
    const collect = (u: Uint8Array) => fresh.push(u);
    this.doc.on('update', collect);
    try {
      Y.applyUpdate(this.doc, update, peer);
    } catch (err) {
      // The update decoded but did not integrate; the in-memory doc may be half-changed and
      // must not be served: reload it from storage.
      this.opts.log.info('yjs update refused', { doc: this.key, peer: peer.label, error: String(err) });
      peer.close(CLOSE_INVALID_DATA, 'update could not be applied');
      this.fail('document reloading');
      return;
    } finally {
      this.doc.off('update', collect);
    }
    if (fresh.length === 0) return; // nothing new (a re-sent or still-pending update)
    const delta = fresh.length === 1 ? (fresh[0] as Uint8Array) : Y.mergeUpdates(fresh);
    try {
      await this.opts.store.append(this.key, delta);
    } catch (err) {
      this.opts.log.error('yjs update could not be stored', { doc: this.key, error: String(err) });
      this.fail('storage failed, retry');
      return;
    }
    this.storedUpdates++;
    const message = writeUpdateMessage(delta);
    for (const other of this.peers.keys()) if (other !== peer) other.send(message);
    if (this.storedUpdates >= this.opts.compactAfterUpdates) {
      try {
        await this.opts.store.compact(this.key);
        this.storedUpdates = 1;
      } catch (err) {
        this.opts.log.error('yjs compaction failed', { doc: this.key, error: String(err) });
      }
    }
  }

  private applyAwareness(peer: RoomPeer, state: PeerState, message: Extract<ClientMessage, { type: 'awareness' }>) {
    const maxClients = this.opts.maxAwarenessClientsPerPeer ?? 16;
    const maxBytes = this.opts.maxAwarenessBytes ?? 64 * 1024;
    const clients = new Set(state.awarenessClients);
    for (const e of message.entries) if (e.state !== null) clients.add(e.clientID);
    if (clients.size > maxClients || message.stateBytes > maxBytes) {
      peer.close(CLOSE_POLICY, 'awareness state too large');
      this.leave(peer);
      return;
    }
    for (const e of message.entries) {
      if (e.state === null) state.awarenessClients.delete(e.clientID);
      else state.awarenessClients.add(e.clientID);
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, peer);
    this.opts.publishAwareness?.(message.update);
  }

  /** Presence another process's peers published (fanout.ts): relayed to every peer here. */
  applyRemoteAwareness(update: Uint8Array): void {
    if (this.state === 'closed' || this.state === 'unavailable') return;
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE);
  }

  /** Relays presence changes (from peers, leaves and timeouts) to every peer. */
  private readonly onAwarenessChange = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    _origin: unknown,
  ) => {
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0 || this.peers.size === 0) return;
    const message = writeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    for (const peer of this.peers.keys()) peer.send(message);
  };

  /** Drops the in-memory copy and disconnects everyone; clients reconnect and re-sync. */
  private fail(reason: string): void {
    if (this.state === 'unavailable' || this.state === 'closed') return;
    this.state = 'unavailable';
    for (const peer of [...this.peers.keys()]) peer.close(CLOSE_INTERNAL, reason);
    this.peers.clear();
    this.awareness.off('update', this.onAwarenessChange);
    this.awareness.destroy();
    this.doc.destroy();
    this.opts.onUnavailable(this);
  }
}
