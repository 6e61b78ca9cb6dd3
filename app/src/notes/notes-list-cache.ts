/**
 * The Notes tab's list as last seen on this device: one IndexedDB record per repository
 * holding every entry as plain objects, read in one transaction when the tab opens so the list
 * paints before Yjs is even loaded (applying the `notes-index` document's updates for 10,000
 * notes takes longer than the whole first paint may). The live document stays the truth: once
 * it is read, the list follows it and this copy is rewritten from it.
 */
import Dexie, { type Table } from 'dexie';
import type { NoteEntry } from './notes-index.ts';

export interface NotesListRow {
  /** `OWNER/REPO` */
  repo: string;
  /**
   * The entries as JSON text: IndexedDB hands one string over as a copy, where 10,000 objects
   * are deserialised one by one (and JSON.parse is faster than that).
   */
  json: string;
  savedAt: number;
}

type ListDb = Dexie & { lists: Table<NotesListRow, string> };
let db: ListDb | null = null;
function listDb(): ListDb {
  if (!db) {
    db = new Dexie('cairn-notes-lists') as ListDb;
    db.version(1).stores({ lists: 'repo' });
  }
  return db;
}

/** The list last saved for the repository, or null (none yet, or IndexedDB cannot be read). */
export async function readNotesList(repo: string): Promise<NoteEntry[] | null> {
  try {
    const row = await listDb().lists.get(repo);
    const entries: unknown = row ? JSON.parse(row.json) : null;
    return Array.isArray(entries) ? (entries as NoteEntry[]) : null;
  } catch {
    return null;
  }
}

/** Replaces the repository's saved list (one put: the old list or the new, never a mix). */
export async function saveNotesList(repo: string, entries: NoteEntry[]): Promise<void> {
  try {
    await listDb().lists.put({ repo, json: JSON.stringify(entries), savedAt: Date.now() });
  } catch {
    // Only a shortcut for the next open: without it the list comes from the document.
  }
}
