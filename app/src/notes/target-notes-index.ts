/**
 * The notes of runs and comparisons in the repository's `notes-index` document, beside the
 * project notes (notes-index.ts): the start of each run note's text by run id (the experiments
 * table's note column and its filter read it from the device, live), and each comparison note's
 * runs and the compare view's URL (the Notes tab lists it and links back). Written by whoever
 * edits the note; pure functions over the maps.
 */
import type * as Y from 'yjs';
import { EXCERPT_CHARS } from './notes-index.ts';

export interface RunNoteStored {
  excerpt: string;
  updatedAt: number;
  authors: string[];
}

export interface ComparisonStored extends RunNoteStored {
  /** The compared run ids, sorted (the selection the note's document is named after). */
  runs: string[];
  /** The runs' names when the note was last edited, in the same order, for the list. */
  names: string[];
  /** The compare view's path and query (`/o/r/experiments/compare?runs=…`), to return to it. */
  url: string;
  createdAt: number;
}

export interface ComparisonEntry extends ComparisonStored {
  /** The comparison note's document. */
  doc: string;
  title: string;
}

/** What a comparison note records about itself, in its own document too (`meta`). */
export interface ComparisonMeta {
  runs: string[];
  names: string[];
  url: string;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function isRunNote(v: unknown): v is RunNoteStored {
  const o = v as RunNoteStored;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.excerpt === 'string' &&
    typeof o.updatedAt === 'number' &&
    isStrings(o.authors)
  );
}

function isComparison(v: unknown): v is ComparisonStored {
  const o = v as ComparisonStored;
  return (
    isRunNote(v) &&
    isStrings(o.runs) &&
    isStrings(o.names) &&
    typeof o.url === 'string' &&
    typeof o.createdAt === 'number'
  );
}

export function runNotesMap(doc: Y.Doc): Y.Map<RunNoteStored> {
  return doc.getMap<RunNoteStored>('runs');
}

export function comparisonsMap(doc: Y.Doc): Y.Map<ComparisonStored> {
  return doc.getMap<ComparisonStored>('comparisons');
}

/** The start of every run note's text by run id (runs whose note is blank are left out). */
export function readRunNotes(map: Y.Map<RunNoteStored>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, v] of map.entries()) if (isRunNote(v) && v.excerpt.trim()) out.set(id, v.excerpt);
  return out;
}

const withAuthor = (authors: string[], by: string | null) => (by && !authors.includes(by) ? [...authors, by] : authors);

/**
 * After an edit of a run's note (or on opening one whose entry is stale): its text's start, the
 * time and the author. Nothing is written when the entry already says the same.
 */
export function touchRunNote(
  map: Y.Map<RunNoteStored>,
  runId: string,
  text: string,
  by: string | null,
  now = Date.now(),
): void {
  const v = map.get(runId);
  const old = isRunNote(v) ? v : null;
  const excerpt = text.slice(0, EXCERPT_CHARS);
  const authors = withAuthor(old?.authors ?? [], by);
  if (old && old.excerpt === excerpt && authors === old.authors) return;
  if (!old && !excerpt.trim()) return;
  map.set(runId, { excerpt, updatedAt: now, authors });
}

/** The list's title of a comparison: its runs' names, alphabetically (ids are in no order a person reads). */
export function comparisonTitle(names: readonly string[], runs: readonly string[]): string {
  const shown = (names.length === runs.length ? names : runs)
    .map((n, i) => n || (runs[i] ?? '').slice(0, 8))
    .sort((a, b) => a.localeCompare(b));
  const head = shown.slice(0, 3).join(' · ');
  return `Comparison: ${head}${shown.length > 3 ? ` +${shown.length - 3}` : ''}`;
}

/**
 * After an edit of a comparison's note: its runs, its view's URL, its text's start, the time and
 * the author. `keepView` (catching up with an edit made elsewhere) keeps the URL and names the
 * entry already has: only the person writing decides which view the note is about.
 */
export function touchComparison(
  map: Y.Map<ComparisonStored>,
  doc: string,
  meta: ComparisonMeta,
  text: string,
  by: string | null,
  opts: { now?: number; keepView?: boolean } = {},
): void {
  const v = map.get(doc);
  const old = isComparison(v) ? v : null;
  const view = opts.keepView && old ? { url: old.url, names: old.names } : { url: meta.url, names: meta.names };
  const excerpt = text.slice(0, EXCERPT_CHARS);
  const authors = withAuthor(old?.authors ?? [], by);
  if (
    old &&
    old.excerpt === excerpt &&
    old.url === view.url &&
    authors === old.authors &&
    old.names.join('\n') === view.names.join('\n')
  )
    return;
  if (!old && !excerpt.trim()) return;
  const now = opts.now ?? Date.now();
  map.set(doc, {
    runs: [...meta.runs],
    names: [...view.names],
    url: view.url,
    excerpt,
    createdAt: old?.createdAt ?? now,
    updatedAt: now,
    authors,
  });
}

/** Every comparison note, last edited first. */
export function listComparisons(map: Y.Map<ComparisonStored>): ComparisonEntry[] {
  const out: ComparisonEntry[] = [];
  for (const [doc, v] of map.entries()) {
    if (!isComparison(v)) continue;
    out.push({ ...v, doc, title: comparisonTitle(v.names, v.runs) });
  }
  return out.sort((a, b) => b.updatedAt - a.updatedAt || a.doc.localeCompare(b.doc));
}

/** Comparisons whose title, runs, text or authors hold every word of the query (case-insensitive). */
export function searchComparisons(entries: ComparisonEntry[], query: string): ComparisonEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return entries;
  return entries.filter((e) => {
    const hay = `${e.title}\n${e.runs.join(' ')}\n${e.excerpt}\n${e.authors.join(' ')}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** The comparison note's own record of what it compares (`meta` map of its document). */
export function comparisonMetaMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>('meta');
}

export function writeComparisonMeta(doc: Y.Doc, meta: ComparisonMeta): void {
  const m = comparisonMetaMap(doc);
  const same =
    m.get('kind') === 'compare' &&
    m.get('url') === meta.url &&
    JSON.stringify(m.get('runs')) === JSON.stringify(meta.runs) &&
    JSON.stringify(m.get('names')) === JSON.stringify(meta.names);
  if (same) return;
  doc.transact(() => {
    m.set('kind', 'compare');
    m.set('runs', [...meta.runs]);
    m.set('names', [...meta.names]);
    m.set('url', meta.url);
  });
}

export function readComparisonMeta(doc: Y.Doc): ComparisonMeta | null {
  const m = comparisonMetaMap(doc);
  const runs = m.get('runs');
  const names = m.get('names');
  const url = m.get('url');
  if (m.get('kind') !== 'compare' || !isStrings(runs) || typeof url !== 'string') return null;
  return { runs, names: isStrings(names) ? names : [], url };
}
