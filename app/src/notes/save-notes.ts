/**
 * "Save notes to the repository": every project note, every run and comparison note the notes
 * index lists, and every run, commit and comparison note on this device, written as Markdown files (notes-export.ts) in one commit made in the browser, then
 * pushed by the sync engine like any other change. Notes are read from the device, after a
 * short sync with the server when online, so the files hold what everyone wrote.
 */
import { commitChanges, readWorkFile } from '../git/commit.ts';
import { defaultServer } from '../sync/api.ts';
import { docName, INDEX_DOC } from './doc-names.ts';
import { makeNoteAccess } from './note-access.ts';
import { makeNoteSession } from './note-session.ts';
import { type ExportedNote, noteFile, notePath, runIdOfDoc } from './notes-export.ts';
import { indexMap, listNotes } from './notes-index.ts';
import {
  comparisonsMap,
  listComparisons,
  readComparisonMeta,
  readRunNotes,
  runNotesMap,
} from './target-notes-index.ts';

export interface SaveNotesResult {
  /** The commit made, or null when every file already held the notes. */
  commit: string | null;
  files: number;
}

const SYNC_WAIT_MS = 5000;

async function readDoc(server: string, repo: string, doc: string, token: string | null) {
  const session = makeNoteSession({ server, repo, doc, token, user: null });
  await session.whenLoaded();
  if (navigator.onLine) {
    await Promise.race([session.whenSynced(), new Promise((r) => setTimeout(r, SYNC_WAIT_MS))]);
  }
  return session;
}

/** Names of the notes of a repository kept on this device (one IndexedDB database each). */
async function notesOnDevice(repo: string): Promise<string[]> {
  const prefix = `cairn-note:${repo}/`;
  const dbs = (await indexedDB.databases?.()) ?? [];
  return dbs
    .map((d) => d.name ?? '')
    .filter((n) => n.startsWith(prefix))
    .map((n) => n.slice(prefix.length));
}

export async function saveNotesToRepository(owner: string, name: string): Promise<SaveNotesResult> {
  const repo = `${owner}/${name}`;
  const server = defaultServer();
  const access = await makeNoteAccess(server, repo);
  const notes: ExportedNote[] = [];

  const index = await readDoc(server, repo, INDEX_DOC, access.token);
  const entries = listNotes(indexMap(index.ydoc));
  const comparisons = new Map(listComparisons(comparisonsMap(index.ydoc)).map((c) => [c.doc, c]));
  const runDocs = [...readRunNotes(runNotesMap(index.ydoc)).keys()].flatMap((id) => {
    try {
      return [docName({ kind: 'run', id })];
    } catch {
      return [];
    }
  });
  index.destroy();
  for (const e of entries) {
    const s = await readDoc(server, repo, `note-${e.id}`, access.token);
    notes.push({
      kind: 'note',
      id: e.id,
      title: e.title,
      authors: e.authors,
      updatedAt: e.updatedAt,
      text: s.text.toString(),
    });
    s.destroy();
  }
  const targetDocs = new Set([...runDocs, ...comparisons.keys(), ...(await notesOnDevice(repo))]);
  for (const doc of targetDocs) {
    const runId = runIdOfDoc(doc);
    const sha = /^commit-([0-9a-f]{4,64})$/.exec(doc)?.[1];
    const isComparison = /^compare[-_]/.test(doc);
    if (!runId && !sha && !isComparison) continue;
    const s = await readDoc(server, repo, doc, access.token);
    const text = s.text.toString();
    // What a comparison is about: its own record, else the index's.
    const listed = comparisons.get(doc);
    const meta =
      readComparisonMeta(s.ydoc) ?? (listed ? { runs: listed.runs, names: listed.names, url: listed.url } : null);
    s.destroy();
    if (!text.trim()) continue;
    if (runId) notes.push({ kind: 'run', id: runId, text });
    else if (sha) notes.push({ kind: 'commit', sha, text });
    else if (meta) notes.push({ kind: 'compare', doc, ...meta, text });
  }

  const { ensureRepo } = await import('../repos/actions.ts');
  const handle = await ensureRepo(owner, name);
  const write: Record<string, string> = {};
  for (const n of notes) {
    const path = notePath(n);
    const content = noteFile(n);
    if ((await readWorkFile(handle, path).catch(() => null)) !== content) write[path] = content;
  }
  if (Object.keys(write).length === 0) return { commit: null, files: notes.length };
  const commit = await commitChanges(handle, {
    write,
    message: `Save notes (${Object.keys(write).length} ${Object.keys(write).length === 1 ? 'file' : 'files'})`,
  });
  const { markPending } = await import('../sync/engine.ts');
  await markPending(handle.id);
  return { commit, files: notes.length };
}
