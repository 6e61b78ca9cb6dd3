/**
 * A note open in a page, as Solid signals: who may write, the connection and sync state, who
 * else is here (awareness), and the text for the rendered view. Closed with the owner.
 */
import { type Accessor, createSignal, onCleanup } from 'solid-js';
import { defaultServer } from '../sync/api.ts';
import { cachedNoteAccess, makeNoteAccess, type NoteAccess } from './note-access.ts';
import { makeNoteSession, type NoteSession, type NoteSessionState } from './note-session.ts';
import type { NoteUser } from './user-colour.ts';

export interface Peer extends NoteUser {
  clientId: number;
  self: boolean;
}

export interface NoteSessionSignals {
  session: Accessor<NoteSession | null>;
  access: Accessor<NoteAccess | null>;
  state: Accessor<NoteSessionState | null>;
  peers: Accessor<Peer[]>;
  error: Accessor<string | null>;
}

export function createNoteSession(
  repo: string,
  doc: string,
  onLocalEdit?: (text: string, session: NoteSession) => void,
): NoteSessionSignals {
  const [session, setSession] = createSignal<NoteSession | null>(null);
  const [access, setAccess] = createSignal<NoteAccess | null>(null);
  const [state, setState] = createSignal<NoteSessionState | null>(null);
  const [peers, setPeers] = createSignal<Peer[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  let disposed = false;
  let current: NoteSession | null = null;
  let flushEdit: (() => void) | null = null;
  onCleanup(() => {
    disposed = true;
    flushEdit?.();
    if (flushEdit) globalThis.removeEventListener('pagehide', flushEdit);
    current?.destroy();
  });
  void (async () => {
    const server = defaultServer();
    // The note opens from the device at once (the account and the permission last heard); the
    // server's answer on who may write follows and may change the editor's rights.
    const a = await cachedNoteAccess(server, repo);
    if (disposed) return;
    setAccess(a);
    void makeNoteAccess(server, repo).then((fresh) => !disposed && setAccess(fresh));
    const s = makeNoteSession({ server, repo, doc, token: a.token, user: a.user });
    current = s;
    const readPeers = () => {
      const list: Peer[] = [];
      for (const [clientId, st] of s.provider.awareness.getStates()) {
        const u = (st as { user?: Partial<NoteUser> }).user;
        if (u && typeof u.name === 'string' && typeof u.color === 'string') {
          list.push({
            clientId,
            self: clientId === s.ydoc.clientID,
            name: u.name,
            color: u.color,
            colorLight: u.colorLight ?? u.color,
          });
        }
      }
      setPeers(list.sort((x, y) => Number(y.self) - Number(x.self) || x.name.localeCompare(y.name)));
    };
    s.provider.awareness.on('change', readPeers);
    readPeers();
    s.onChange(setState);
    setState(s.state());
    if (onLocalEdit) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const flush = () => {
        if (timer === undefined) return;
        clearTimeout(timer);
        timer = undefined;
        onLocalEdit(s.text.toString(), s);
      };
      s.ydoc.on('update', (_u: Uint8Array, origin: unknown) => {
        if (!s.isLocalOrigin(origin)) return;
        clearTimeout(timer);
        timer = setTimeout(flush, 300);
      });
      // Leaving the note or the page: the last words still reach the list.
      flushEdit = flush;
      globalThis.addEventListener('pagehide', flush);
    }
    setSession(s);
  })().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  return { session, access, state, peers, error };
}
