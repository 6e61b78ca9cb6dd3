/**
 * The Notes tab's list, as Solid signals: the `notes-index` document opened like a note (on the
 * device first, then live), its entries, and the actions on it.
 */
import { type Accessor, createSignal, onCleanup } from 'solid-js';
import { defaultServer } from '../sync/api.ts';
import { INDEX_DOC, newNoteId } from './doc-names.ts';
import { makeNoteAccess, type NoteAccess } from './note-access.ts';
import { makeNoteSession, type NoteSession, type NoteSessionState } from './note-session.ts';
import { createNote, deleteNote, indexMap, listNotes, type NoteEntry, renameNote, touchNote } from './notes-index.ts';

export interface NotesIndex {
  entries: Accessor<NoteEntry[]>;
  loaded: Accessor<boolean>;
  access: Accessor<NoteAccess | null>;
  state: Accessor<NoteSessionState | null>;
  error: Accessor<string | null>;
  create(title: string): string | null;
  rename(id: string, title: string): void;
  remove(id: string): void;
  touch(id: string, text: string): void;
}

export function createNotesIndex(repo: string): NotesIndex {
  const [entries, setEntries] = createSignal<NoteEntry[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [access, setAccess] = createSignal<NoteAccess | null>(null);
  const [state, setState] = createSignal<NoteSessionState | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  let session: NoteSession | null = null;
  let disposed = false;
  onCleanup(() => {
    disposed = true;
    session?.destroy();
  });
  void (async () => {
    const server = defaultServer();
    const a = await makeNoteAccess(server, repo);
    if (disposed) return;
    setAccess(a);
    const s = makeNoteSession({ server, repo, doc: INDEX_DOC, token: a.token, user: a.user });
    session = s;
    const map = indexMap(s.ydoc);
    let queued = false;
    // Many remote changes arrive together on reconnect: read the list once per frame.
    const refresh = () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        if (!disposed) setEntries(listNotes(map));
      });
    };
    map.observe(refresh);
    s.onChange(setState);
    setState(s.state());
    await s.whenLoaded();
    if (disposed) return;
    setEntries(listNotes(map));
    setLoaded(true);
  })().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));

  const by = () => access()?.user?.name ?? null;
  const map = () => (session && access()?.canWrite ? indexMap(session.ydoc) : null);
  return {
    entries,
    loaded,
    access,
    state,
    error,
    create(title) {
      const m = map();
      if (!m) return null;
      const id = newNoteId();
      createNote(m, id, title, by());
      return id;
    },
    rename(id, title) {
      const m = map();
      if (m) renameNote(m, id, title);
    },
    remove(id) {
      const m = map();
      if (m) deleteNote(m, id);
    },
    touch(id, text) {
      const m = map();
      if (m) touchNote(m, id, text, by());
    },
  };
}
