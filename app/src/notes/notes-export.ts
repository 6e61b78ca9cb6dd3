/**
 * Notes as Markdown files for the repository ("the long now"): one folder, stable names, front
 * matter saying which run, commit or project note each one is, so notes outlive the server and
 * travel with `git clone`.
 *   notes/<slug>--<id>.md        a project note
 *   notes/runs/<run id>.md       a run's note
 *   notes/commits/<sha>.md       a commit's note
 *   notes/comparisons/<doc>.md   a comparison's note (front matter: the compared runs, their
 *                                names and the compare view's URL)
 */
import { stringify } from 'yaml';

export const NOTES_FOLDER = 'notes';

export type ExportedNote =
  | { kind: 'note'; id: string; title: string; authors: string[]; updatedAt: number; text: string }
  | { kind: 'run'; id: string; text: string }
  | { kind: 'commit'; sha: string; text: string }
  | { kind: 'compare'; doc: string; runs: string[]; names: string[]; url: string; text: string };

/** The run id a `run-…` document name stands for (the inverse of doc-names' escaping). */
export function runIdOfDoc(doc: string): string | null {
  if (!doc.startsWith('run-')) return null;
  // Each escape is `_` + a UTF-16 code unit in four hex digits.
  return doc.slice(4).replace(/_([0-9a-f]{4})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'note'
  );
}

const safeFile = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

export function notePath(note: ExportedNote): string {
  if (note.kind === 'note') return `${NOTES_FOLDER}/${slug(note.title)}--${note.id}.md`;
  if (note.kind === 'run') return `${NOTES_FOLDER}/runs/${safeFile(note.id)}.md`;
  if (note.kind === 'compare') return `${NOTES_FOLDER}/comparisons/${safeFile(note.doc)}.md`;
  return `${NOTES_FOLDER}/commits/${note.sha}.md`;
}

/** The file's text: YAML front matter, a blank line, the note as written (ending in one newline). */
export function noteFile(note: ExportedNote): string {
  const meta =
    note.kind === 'note'
      ? {
          title: note.title,
          note: note.id,
          authors: note.authors,
          updated: new Date(note.updatedAt).toISOString(),
        }
      : note.kind === 'run'
        ? { run: note.id }
        : note.kind === 'compare'
          ? {
              comparison: note.runs,
              ...(note.names.length === note.runs.length ? { names: note.names } : {}),
              ...(note.url ? { url: note.url } : {}),
            }
          : { commit: note.sha };
  const body = note.text.endsWith('\n') || note.text === '' ? note.text : `${note.text}\n`;
  return `---\n${stringify(meta)}---\n\n${body}`;
}
