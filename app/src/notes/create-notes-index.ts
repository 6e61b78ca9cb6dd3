/**
 * The Notes tab's list, as Solid signals: first the list as last seen on this device (one
 * IndexedDB read, notes-list-cache.ts, no Yjs), then the `notes-index` document opened like a
 * note (on the device, then live) — Yjs is loaded after the list is on screen — its entries,
 * and the actions on it.
 */
import { type Accessor, createSignal, onCleanup } from 'solid-js';
import { defaultServer } from '../sync/api.ts';
import { INDEX_DOC, newNoteId } from './doc-names.ts';
import { cachedNoteAccess, makeNoteAccess, type NoteAccess } from './note-access.ts';
import type { NoteSession, NoteSessionState } from './note-session.ts';
import { createNote, deleteNote, indexMap, listNotes, type NoteEntry, renameNote, touchNote } from './notes-index.ts';
import { readNotesList, saveNotesList } from './notes-list-cache.ts';

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
  // Once the document has been read it is the list; the saved copy only stands in before.
  let live = false;
  let savedSignature = '';
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  // A cheap fingerprint: every change to an entry (new, rename, edit, delete) moves it.
  const signature = (list: NoteEntry[]) => `${list.length}:${list.reduce((n, e) => n + e.updatedAt, 0)}`;
  const save = () => {
    const list = entries();
    const sig = signature(list);
    if (sig === savedSignature) return;
    savedSignature = sig;
    void saveNotesList(repo, list);
  };
  // Changes come in bursts (a sync, typing in a note): saved once they settle. Soon, though:
  // people leave the tab within a second.
  const saveSoon = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, 300);
  };
  onCleanup(() => {
    disposed = true;
    clearTimeout(saveTimer);
    session?.destroy();
  });

  const openDocument = async () => {
    const server = defaultServer();
    const [local, { makeNoteSession }] = await Promise.all([
      cachedNoteAccess(server, repo),
      import('./note-session.ts'),
    ]);
    if (disposed) return;
    if (local.known) setAccess(local);
    // The permission from the server (who may write) never holds up the list.
    void makeNoteAccess(server, repo).then((a) => !disposed && setAccess(a));
    const s = makeNoteSession({ server, repo, doc: INDEX_DOC, token: local.token, user: local.user });
    session = s;
    const map = indexMap(s.ydoc);
    let queued = false;
    // Many remote changes arrive together on reconnect: read the list once per frame.
    const refresh = () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        if (disposed || !live) return;
        setEntries(listNotes(map));
        saveSoon();
      });
    };
    map.observe(refresh);
    s.onChange(setState);
    setState(s.state());
    await s.whenLoaded();
    if (disposed) return;
    live = true;
    setEntries(listNotes(map));
    setLoaded(true);
    performance.mark('cairn:notes-doc-read');
    save();
  };
  const open = () => void openDocument().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));

  // The saved list first; the document (Yjs, and its read) once that list is on screen, so the
  // two do not share the first frame.
  void readNotesList(repo).then((saved) => {
    if (disposed) return;
    if (!saved) return open();
    savedSignature = signature(saved);
    setEntries(saved);
    setLoaded(true);
    performance.mark('cairn:notes-list-read');
    requestAnimationFrame(() => setTimeout(open, 0));
  });

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
