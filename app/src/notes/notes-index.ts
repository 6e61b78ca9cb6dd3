/**
 * The list of a repository's project notes, itself a live document (`notes-index`): a Y.Map
 * from note id to its title, times, authors and the start of its text (for search offline).
 * Pure functions over the map; the document is opened like any note.
 */
import type * as Y from 'yjs';

export interface NoteEntry {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  authors: string[];
  /** The start of the note's text, for the list and for search. */
  excerpt: string;
}

export const EXCERPT_CHARS = 4000;
export const UNTITLED = 'Untitled note';

type Stored = Omit<NoteEntry, 'id'>;

function isStored(v: unknown): v is Stored {
  const o = v as Stored;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.title === 'string' &&
    typeof o.createdAt === 'number' &&
    typeof o.updatedAt === 'number' &&
    Array.isArray(o.authors)
  );
}

export function indexMap(doc: Y.Doc): Y.Map<Stored> {
  return doc.getMap<Stored>('notes');
}

/** Every note, last edited first; entries another client wrote in a shape we do not know are skipped. */
export function listNotes(map: Y.Map<Stored>): NoteEntry[] {
  const out: NoteEntry[] = [];
  for (const [id, v] of map.entries()) {
    if (!isStored(v)) continue;
    out.push({
      id,
      title: v.title || UNTITLED,
      createdAt: v.createdAt,
      updatedAt: v.updatedAt,
      authors: v.authors.filter((a): a is string => typeof a === 'string'),
      excerpt: typeof v.excerpt === 'string' ? v.excerpt : '',
    });
  }
  return out.sort((a, b) => b.updatedAt - a.updatedAt || a.title.localeCompare(b.title));
}

export function createNote(map: Y.Map<Stored>, id: string, title: string, by: string | null, now = Date.now()): void {
  map.set(id, {
    title: title.trim() || UNTITLED,
    createdAt: now,
    updatedAt: now,
    authors: by ? [by] : [],
    excerpt: '',
  });
}

export function renameNote(map: Y.Map<Stored>, id: string, title: string, now = Date.now()): void {
  const v = map.get(id);
  if (!isStored(v)) return;
  map.set(id, { ...v, title: title.trim() || UNTITLED, updatedAt: now });
}

export function deleteNote(map: Y.Map<Stored>, id: string): void {
  map.delete(id);
}

/** After an edit: the time, the author and the start of the text. */
export function touchNote(map: Y.Map<Stored>, id: string, text: string, by: string | null, now = Date.now()): void {
  const v = map.get(id);
  if (!isStored(v)) return;
  const authors = by && !v.authors.includes(by) ? [...v.authors, by] : v.authors;
  const excerpt = text.slice(0, EXCERPT_CHARS);
  if (excerpt === v.excerpt && authors === v.authors && now - v.updatedAt < 60_000) return;
  map.set(id, { ...v, authors, excerpt, updatedAt: now });
}

/** Notes whose title, text or authors hold every word of the query (case-insensitive). */
export function searchNotes(entries: NoteEntry[], query: string): NoteEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return entries;
  return entries.filter((e) => {
    const hay = `${e.title}\n${e.excerpt}\n${e.authors.join(' ')}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** The first line of a note's text, as the list shows under its title. */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.replace(/^#+\s*/, '').trim())
      .find(Boolean) ?? ''
  );
}
