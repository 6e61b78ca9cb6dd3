/**
 * The runs' notes for the experiments table, by run id: the start of each run note's text as the
 * repository's notes index holds it on this device (y-indexeddb), then live as notes change
 * here, in another tab or on another device. The notes code (Yjs) loads once the runs are shown
 * (`when`), so the table's first frame never waits for it; until then no run has a note.
 */
import type { RunNotes } from '@cairn/core/runs';
import { type Accessor, createEffect, createMemo, createSignal, getOwner, onCleanup, runWithOwner } from 'solid-js';
import type { NotesIndex } from '../notes/create-notes-index.ts';

const NONE: RunNotes = new Map();

export function createRunNotes(repo: string, when: Accessor<boolean>): Accessor<RunNotes> {
  const [index, setIndex] = createSignal<NotesIndex | null>(null);
  const owner = getOwner();
  let disposed = false;
  let started = false;
  // A page left before the notes code arrives opens nothing.
  onCleanup(() => {
    disposed = true;
  });
  createEffect(() => {
    if (started || !when()) return;
    started = true;
    void import('../notes/create-notes-index.ts').then((m) => {
      if (disposed) return;
      // The index closes with the page that asked for it.
      runWithOwner(owner, () => setIndex(m.createNotesIndex(repo)));
    });
  });
  return createMemo(() => index()?.runNotes() ?? NONE);
}
