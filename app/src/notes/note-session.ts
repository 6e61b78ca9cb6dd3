/**
 * One note, open on this device: a Yjs document kept in IndexedDB (y-indexeddb, so it opens and
 * takes edits offline) and shared through the server's `/yjs/OWNER/REPO/DOC` (y-websocket, with
 * the session token, reconnecting with backoff), with presence (awareness). Edits made while not
 * synced mark the note as waiting to sync until the server has had them.
 */

import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { noteDatabaseName } from './note-deletions.ts';
import { clearPending, markPending } from './pending-notes.ts';
import type { NoteUser } from './user-colour.ts';

export type NoteConnection = 'connecting' | 'connected' | 'offline' | 'refused';

export interface NoteSessionState {
  connection: NoteConnection;
  /** The note's content on this device has been read (it may be empty). */
  loaded: boolean;
  /** The last exchange with the server completed: both sides hold the same note. */
  synced: boolean;
  /** Edits made here that the server has not had yet. */
  pending: boolean;
  /** Why the server closed the connection, in words, when it matters to the person. */
  problem: string | null;
  /** The close code behind `problem` (4401 revoked session, 4403/4404 no access, …). */
  closeCode: number | null;
}

export interface NoteSessionOptions {
  server: string;
  /** `OWNER/REPO` */
  repo: string;
  doc: string;
  token: string | null;
  user: NoteUser | null;
  /** Keep the note on this device (y-indexeddb). Tests of the relay alone turn it off. */
  persist?: boolean;
  /** Share the note across tabs through BroadcastChannel; tests turn it off (docs/STACK.md, gotcha 8). */
  disableBc?: boolean;
  WebSocketPolyfill?: unknown;
}

export interface NoteSession {
  readonly ydoc: Y.Doc;
  readonly text: Y.Text;
  readonly provider: WebsocketProvider;
  readonly key: string;
  /** True for a change typed on this device (not one loaded from IndexedDB or received from the server). */
  isLocalOrigin(origin: unknown): boolean;
  state(): NoteSessionState;
  onChange(listener: (s: NoteSessionState) => void): () => void;
  /** Resolves once the device's copy has been read. */
  whenLoaded(): Promise<void>;
  /** Resolves once the server and this device hold the same note (never when offline). */
  whenSynced(): Promise<void>;
  destroy(): void;
}

/**
 * The origin of changes that only restate other notes (the notes index's record of a run or
 * comparison note's text): sent like any change, but not counted as a note waiting to sync —
 * the note itself is, and the person wrote one note, not two.
 */
export const RESTATED = Symbol('cairn.notes.restated');

/** Words for the server's closes (sync-server/src/yjs/PROTOCOL.md, "Limits and closes"). */
export function describeClose(code: number): string | null {
  switch (code) {
    case 4401:
      return 'Your session is no longer valid (signed out or the token was revoked): sign in again to sync this note. What you type stays on this device.';
    case 4403:
    case 4404:
      return 'You no longer have access to this repository’s notes. Ask its owner for access.';
    case 4400:
      return 'The server refused this note’s name.';
    case 4410:
      return 'This note was deleted. What you see stays on this device only until you leave: copy anything you want to keep into another note.';
    case 1009:
      return 'A change was larger than the server accepts (its message size limit), so syncing this note is paused: what you wrote stays on this device. Reload to try again, or ask the server’s operator to raise CAIRN_YJS_MAX_PAYLOAD.';
    case 1007:
      return 'The server refused a malformed change; reconnecting…';
    case 1008:
      return 'The server closed the connection (too many messages or your rights changed); reconnecting…';
    case 1011:
      return 'The server could not store a change; reconnecting…';
    case 1013:
      return 'Too many notes are open for your account; retrying…';
    default:
      return null;
  }
}

export function wsUrl(server: string, repo: string): string {
  return `${server.replace(/^http/, 'ws').replace(/\/+$/, '')}/yjs/${repo}`;
}

export function makeNoteSession(opts: NoteSessionOptions): NoteSession {
  const key = `${opts.repo}/${opts.doc}`;
  const ydoc = new Y.Doc();
  const text = ydoc.getText('note');
  const persistence =
    opts.persist === false ? null : new IndexeddbPersistence(noteDatabaseName(opts.repo, opts.doc), ydoc);
  const provider = new WebsocketProvider(wsUrl(opts.server, opts.repo), opts.doc, ydoc, {
    connect: false,
    params: opts.token ? { token: opts.token } : {},
    disableBc: opts.disableBc ?? false,
    maxBackoffTime: 10_000,
    // biome-ignore lint/suspicious/noExplicitAny: y-websocket types the polyfill as `typeof WebSocket`
    ...(opts.WebSocketPolyfill ? { WebSocketPolyfill: opts.WebSocketPolyfill as any } : {}),
  });
  if (opts.user) provider.awareness.setLocalStateField('user', opts.user);

  let destroyed = false;
  let state: NoteSessionState = {
    connection: 'connecting',
    loaded: persistence === null,
    synced: false,
    pending: false,
    problem: null,
    closeCode: null,
  };
  const listeners = new Set<(s: NoteSessionState) => void>();
  const set = (patch: Partial<NoteSessionState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l(state);
  };

  // The server says a write was refused (a reader's edit): the editor is already read-only for
  // readers, so this only happens when rights changed; say so.
  provider.messageHandlers[2] = (_encoder, decoder) => {
    decoder.pos = decoder.arr.length;
    set({ problem: 'The server refused your change: you can read this note but not write it.' });
  };

  const settle = () => {
    if (!state.pending || !provider.wsconnected || !provider.synced) return;
    const ws = provider.ws;
    if (ws && ws.bufferedAmount > 0) {
      setTimeout(settle, 50);
      return;
    }
    clearPending(key);
    set({ pending: false });
  };

  ydoc.on('update', (_update: Uint8Array, origin: unknown) => {
    if (origin === provider || origin === persistence || origin === RESTATED) return;
    if (provider.wsconnected && provider.synced) return; // sent now; a lost frame is re-sent by the next sync
    if (!state.pending) {
      markPending(key);
      set({ pending: true });
    }
  });
  provider.on('status', ({ status }: { status: string }) => {
    if (status === 'connected') set({ connection: 'connected', problem: null, closeCode: null });
    else if (state.connection !== 'refused') {
      // `navigator.onLine` is only a hint (a page reloaded offline may still say true): a socket
      // that has already failed to open means the server cannot be reached, which is offline here.
      const reachable = navigator.onLine && provider.wsUnsuccessfulReconnects === 0;
      set({ connection: reachable ? 'connecting' : 'offline', synced: false });
    }
  });
  provider.on('sync', (synced: boolean) => {
    set({ synced });
    if (synced) settle();
  });
  provider.on('connection-close', (event: CloseEvent | null) => {
    const code = event?.code ?? 0;
    const problem = describeClose(code);
    if (code === 1009) {
      // The same oversized change would be sent again on every reconnect: stop until a reload.
      provider.disconnect();
      set({ connection: 'refused', synced: false, problem, closeCode: code });
      return;
    }
    if (problem) set({ problem, closeCode: code });
  });
  provider.on('closed', ({ code }: { code: number }) => {
    set({ connection: 'refused', synced: false, problem: describeClose(code), closeCode: code });
  });

  // The browser knows it is offline: stop trying (and say so) until it is back, then connect
  // at once instead of waiting out the backoff.
  const goneOffline = () => {
    if (state.connection === 'refused') return;
    provider.disconnect();
    set({ connection: 'offline', synced: false });
  };
  const backOnline = () => {
    if (state.connection === 'refused' || destroyed) return;
    set({ connection: 'connecting' });
    provider.connect();
  };
  // Closing the tab: tell the others at once that this person left.
  const leaving = () => provider.awareness.setLocalState(null);
  globalThis.addEventListener?.('offline', goneOffline);
  globalThis.addEventListener?.('online', backOnline);
  globalThis.addEventListener?.('pagehide', leaving);

  const loaded = (persistence ? persistence.whenSynced.then(() => undefined) : Promise.resolve()).then(() => {
    set({ loaded: true });
    if (destroyed) return;
    if (globalThis.navigator?.onLine === false) set({ connection: 'offline' });
    else provider.connect();
  });

  return {
    ydoc,
    text,
    provider,
    key,
    isLocalOrigin: (origin) => origin !== provider && origin !== persistence,
    state: () => state,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    whenLoaded: () => loaded,
    whenSynced: () =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (state.synced && !state.pending) {
            off();
            resolve();
          }
        };
        const off = (() => {
          listeners.add(check);
          return () => listeners.delete(check);
        })();
        check();
      }),
    destroy() {
      destroyed = true;
      globalThis.removeEventListener?.('offline', goneOffline);
      globalThis.removeEventListener?.('online', backOnline);
      globalThis.removeEventListener?.('pagehide', leaving);
      listeners.clear();
      provider.destroy();
      void persistence?.destroy();
      ydoc.destroy();
    },
  };
}
