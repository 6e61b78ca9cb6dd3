/**
 * The repository's list of notes, as Solid signals: first the project notes as last seen on this
 * device (one IndexedDB read, notes-list-cache.ts, no Yjs), then the `notes-index` document
 * opened like a note (on the device, then live) — Yjs is loaded after the list is on screen —
 * with its project notes, run notes and comparison notes, and the actions on it. Used by the
 * Notes tab, the experiments table (run notes) and the notes of runs and comparisons (which
 * record their edits in it).
 */
import { type Accessor, createSignal, onCleanup } from 'solid-js';
import { defaultServer } from '../sync/api.ts';
import { INDEX_DOC, newNoteId } from './doc-names.ts';
import { cachedNoteAccess, makeNoteAccess, type NoteAccess } from './note-access.ts';
import type { NoteSession, NoteSessionState } from './note-session.ts';
import { createNote, deleteNote, indexMap, listNotes, type NoteEntry, renameNote, touchNote } from './notes-index.ts';
import { readNotesList, saveNotesList } from './notes-list-cache.ts';
import {
  type ComparisonEntry,
  type ComparisonMeta,
  comparisonsMap,
  listComparisons,
  readRunNotes,
  runNotesMap,
  touchComparison,
  touchRunNote,
} from './target-notes-index.ts';

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
  /** The start of each run note's text, by run id. */
  runNotes: Accessor<ReadonlyMap<string, string>>;
  comparisons: Accessor<ComparisonEntry[]>;
  /** Records a run note's text; `byMe` false when reconciling a note someone else wrote. */
  touchRun(runId: string, text: string, byMe?: boolean): void;
  touchComparison(doc: string, meta: ComparisonMeta, text: string, byMe?: boolean): void;
}

export function createNotesIndex(repo: string): NotesIndex {
  const [entries, setEntries] = createSignal<NoteEntry[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [access, setAccess] = createSignal<NoteAccess | null>(null);
  const [state, setState] = createSignal<NoteSessionState | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [runNotes, setRunNotes] = createSignal<ReadonlyMap<string, string>>(new Map());
  const [comparisons, setComparisons] = createSignal<ComparisonEntry[]>([]);
  // Records asked for before the index could take them (still opening): applied once it can.
  const waiting: Array<() => void> = [];
  let session: NoteSession | null = null;
  // note-session.ts's origin for edits that only restate another note (loaded with it).
  let restated: symbol | undefined;
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
    const [local, { makeNoteSession, RESTATED }] = await Promise.all([
      cachedNoteAccess(server, repo),
      import('./note-session.ts'),
    ]);
    if (disposed) return;
    restated = RESTATED;
    if (local.known) setAccess(local);
    // The permission from the server (who may write) never holds up the list.
    void makeNoteAccess(server, repo).then((a) => !disposed && setAccess(a));
    const s = makeNoteSession({ server, repo, doc: INDEX_DOC, token: local.token, user: local.user });
    session = s;
    const map = indexMap(s.ydoc);
    const runs = runNotesMap(s.ydoc);
    const compares = comparisonsMap(s.ydoc);
    const readNotes = () => {
      setEntries(listNotes(map));
      saveSoon();
    };
    const readRuns = () => setRunNotes(readRunNotes(runs));
    const readComparisons = () => setComparisons(listComparisons(compares));
    // Many remote changes arrive together on reconnect: read each changed list once per frame
    // (a run note's edit does not list 10,000 project notes again).
    const changed = new Set<() => void>();
    const refreshOf = (read: () => void) => () => {
      if (changed.size === 0) {
        requestAnimationFrame(() => {
          const reads = [...changed];
          changed.clear();
          if (!disposed && live) for (const r of reads) r();
        });
      }
      changed.add(read);
    };
    map.observe(refreshOf(readNotes));
    runs.observe(refreshOf(readRuns));
    compares.observe(refreshOf(readComparisons));
    s.onChange(setState);
    setState(s.state());
    for (const apply of waiting.splice(0)) apply();
    await s.whenLoaded();
    if (disposed) return;
    live = true;
    setEntries(listNotes(map));
    readRuns();
    readComparisons();
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
  const whenWritable = (apply: (s: NoteSession) => void) => {
    if (session) {
      if (access()?.canWrite) apply(session);
    } else if (!disposed) {
      waiting.length = 0; // only the latest text matters
      waiting.push(() => session && access()?.canWrite && apply(session));
    }
  };
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
    runNotes,
    comparisons,
    touchRun(runId, text, byMe = true) {
      whenWritable((s) =>
        s.ydoc.transact(() => touchRunNote(runNotesMap(s.ydoc), runId, text, byMe ? by() : null), restated),
      );
    },
    touchComparison(doc, meta, text, byMe = true) {
      whenWritable((s) =>
        s.ydoc.transact(
          () => touchComparison(comparisonsMap(s.ydoc), doc, meta, text, byMe ? by() : null, { keepView: !byMe }),
          restated,
        ),
      );
    },
  };
}
