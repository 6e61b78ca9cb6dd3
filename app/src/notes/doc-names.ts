/**
 * Names of the live documents notes live in, one per note, as the server's `/yjs/OWNER/REPO/DOC`
 * accepts them (`[A-Za-z0-9][A-Za-z0-9._-]{0,127}`, no `..`): `run-…` for a run, `commit-…` for a
 * commit, `note-…` for a project note, `compare-…` for a comparison of runs (its sorted run ids
 * joined by `.`; `compare_` + the SHA-256 of the ids when that would be too long), and
 * `notes-index` for the list of notes.
 * Anything else in a run id is spelled `_XXXX` (its UTF-16 code unit in four hex digits), so two ids never share a
 * document.
 */

import { CairnError } from '@cairn/core/errors';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export const INDEX_DOC = 'notes-index';

const MAX_DOC = 128;

export type NoteTarget =
  | { kind: 'run'; id: string }
  | { kind: 'commit'; sha: string }
  | { kind: 'note'; id: string }
  | { kind: 'compare'; runs: readonly string[] };

export class NoteNameError extends CairnError<'note_name'> {
  constructor(message: string) {
    super('note_name', message);
    this.name = 'NoteNameError';
  }
}

function escapeId(id: string): string {
  let out = '';
  for (const ch of id) {
    if (/[A-Za-z0-9-]/.test(ch)) out += ch;
    else for (const unit of ch.split('')) out += `_${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** The compared runs as a comparison note is named after them: each id once, sorted. */
export function comparedRuns(runs: readonly string[]): string[] {
  return [...new Set(runs)].sort();
}

/**
 * A comparison's document: the same selection in any order is the same note. Escaped ids never
 * hold `.`, so the joined form names one selection only; past the server's length, the
 * ids' hash (`compare_`, which no listed name starts with).
 */
function comparisonDoc(runs: readonly string[]): string {
  const ids = comparedRuns(runs);
  if (ids.length === 0 || ids.some((id) => id.length === 0)) {
    throw new NoteNameError('A comparison without runs has no note.');
  }
  const listed = `compare-${ids.map(escapeId).join('.')}`;
  if (listed.length <= MAX_DOC) return listed;
  return `compare_${bytesToHex(sha256(utf8ToBytes(ids.join('\n'))))}`;
}

/** The document of a note; throws NoteNameError when the id cannot name one. */
export function docName(target: NoteTarget): string {
  if (target.kind === 'compare') return comparisonDoc(target.runs);
  const name =
    target.kind === 'run'
      ? `run-${escapeId(target.id)}`
      : target.kind === 'commit'
        ? `commit-${target.sha.toLowerCase()}`
        : `note-${target.id}`;
  if (target.kind === 'commit' && !/^[0-9a-f]{4,64}$/i.test(target.sha)) {
    throw new NoteNameError(`"${target.sha}" is not a commit id.`);
  }
  if (target.kind === 'note' && !/^[A-Za-z0-9-]{1,64}$/.test(target.id)) {
    throw new NoteNameError(`"${target.id}" is not a note id.`);
  }
  if (target.kind === 'run' && target.id.length === 0) throw new NoteNameError('A run without an id has no note.');
  if (name.length > MAX_DOC)
    throw new NoteNameError(
      `The id "${target.kind === 'commit' ? target.sha : target.id}" is too long to name a note.`,
    );
  return name;
}

/** A new project note's id: time-ordered, unique per device. */
export function newNoteId(now = Date.now(), random: () => number = Math.random): string {
  const r = Array.from({ length: 8 }, () => Math.floor(random() * 36).toString(36)).join('');
  return `${now.toString(36)}-${r}`;
}
