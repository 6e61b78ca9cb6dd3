/**
 * Earlier versions of a note, kept inside the note's own document (a Y.Array `versions` beside
 * the Y.Text `note`), so they sync, work offline and travel with the note: a copy of the text
 * with when and by whom, taken on demand and every few minutes while someone writes. Restoring
 * is an ordinary edit (everyone sees it, and it can itself be undone by restoring again).
 */
import type * as Y from 'yjs';

export interface NoteVersion {
  at: number;
  by: string | null;
  text: string;
}

/** Versions kept per note; the oldest go first. */
export const MAX_VERSIONS = 30;
/** Minimum time between automatic versions while someone writes. */
export const AUTO_VERSION_MS = 5 * 60_000;

export function versionsArray(doc: Y.Doc): Y.Array<NoteVersion> {
  return doc.getArray<NoteVersion>('versions');
}

/** Newest first; entries of an unknown shape are skipped. */
export function listVersions(doc: Y.Doc): NoteVersion[] {
  return versionsArray(doc)
    .toArray()
    .filter((v): v is NoteVersion => typeof v?.at === 'number' && typeof v?.text === 'string')
    .sort((a, b) => b.at - a.at);
}

/** Saves the note as it is now, unless the newest version already holds the same text. */
export function saveVersion(doc: Y.Doc, by: string | null, now = Date.now()): boolean {
  const text = doc.getText('note').toString();
  const newest = listVersions(doc)[0];
  if (newest && newest.text === text) return false;
  const versions = versionsArray(doc);
  doc.transact(() => {
    versions.push([{ at: now, by, text }]);
    if (versions.length > MAX_VERSIONS) versions.delete(0, versions.length - MAX_VERSIONS);
  });
  return true;
}

/** An automatic version, when the newest one is older than AUTO_VERSION_MS. */
export function maybeAutoVersion(doc: Y.Doc, by: string | null, now = Date.now()): boolean {
  const newest = listVersions(doc)[0];
  if (newest && now - newest.at < AUTO_VERSION_MS) return false;
  return saveVersion(doc, by, now);
}

/**
 * Puts a version's text back, changing only what differs (common start and end are kept, so
 * others' cursors outside the change stay put). The text before restoring is saved first.
 */
export function restoreVersion(doc: Y.Doc, version: NoteVersion, by: string | null, now = Date.now()): void {
  const text = doc.getText('note');
  const current = text.toString();
  if (current === version.text) return;
  doc.transact(() => {
    saveVersion(doc, by, now);
    let start = 0;
    while (start < current.length && start < version.text.length && current[start] === version.text[start]) start++;
    let end = 0;
    while (
      end < current.length - start &&
      end < version.text.length - start &&
      current[current.length - 1 - end] === version.text[version.text.length - 1 - end]
    )
      end++;
    text.delete(start, current.length - start - end);
    text.insert(start, version.text.slice(start, version.text.length - end));
  });
}
