/**
 * Line diff of two texts as rows a diff view draws: every line of both sides once, in order,
 * marked same / del / add with its line numbers. Lines are interned to integers, then diffed by
 * patience.ts (unique lines as anchors, Myers between them), so a 10,000-line file with scattered
 * edits compares numbers a few lines at a time rather than running one O(N·D) search.
 */
import { diffSequences } from './patience.ts';
import { type WordPart, wordParts } from './word-diff.ts';

export type RowKind = 'same' | 'del' | 'add';

export interface DiffRow {
  kind: RowKind;
  /** 1-based line number on the old side (null for an added line) and on the new side. */
  old: number | null;
  new: number | null;
  text: string;
  /** Parts of a changed line, `changed` marking words that differ from its paired line. */
  words?: WordPart[];
}

export interface TextDiff {
  rows: DiffRow[];
  added: number;
  removed: number;
  /** Whether the two sides differ only by whitespace (so "hide whitespace" shows nothing). */
  whitespaceOnly: boolean;
}

export interface TextDiffOptions {
  /** Compare lines with all whitespace removed, as `git diff -w`. */
  ignoreWhitespace?: boolean;
}

/** Lines of a text without their line ends; a final newline does not make an empty last line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
  }
  return lines;
}

const stripSpace = (line: string) => line.replace(/\s+/g, '');

/** The line diff of `before` and `after`, with word highlights on changed lines. */
export function diffText(before: string, after: string, options: TextDiffOptions = {}): TextDiff {
  const a = splitLines(before);
  const b = splitLines(after);
  const key = options.ignoreWhitespace ? stripSpace : (line: string) => line;
  const ids = new Map<string, number>();
  const intern = (line: string) => {
    const k = key(line);
    let id = ids.get(k);
    if (id === undefined) {
      id = ids.size;
      ids.set(k, id);
    }
    return id;
  };
  const ai = a.map(intern);
  const bi = b.map(intern);
  const rows: DiffRow[] = [];
  let oldNo = 0;
  let newNo = 0;
  for (const op of diffSequences(ai, bi)) {
    for (let k = 0; k < op.count; k++) {
      if (op.kind === 'add') rows.push({ kind: 'add', old: null, new: ++newNo, text: b[newNo - 1] as string });
      else if (op.kind === 'del') rows.push({ kind: 'del', old: ++oldNo, new: null, text: a[oldNo - 1] as string });
      else rows.push({ kind: 'same', old: ++oldNo, new: ++newNo, text: b[newNo - 1] as string });
    }
  }
  highlightWords(rows);
  let added = 0;
  let removed = 0;
  for (const r of rows) {
    if (r.kind === 'add') added++;
    else if (r.kind === 'del') removed++;
  }
  const whitespaceOnly =
    (added > 0 || removed > 0) &&
    !options.ignoreWhitespace &&
    a.length > 0 &&
    stripSpace(a.join('')) === stripSpace(b.join(''));
  return { rows, added, removed, whitespaceOnly };
}

/**
 * Pairs the i-th removed line of a change block with its i-th added line (as GitHub does) and
 * marks the words that differ between them.
 */
function highlightWords(rows: DiffRow[]): void {
  let i = 0;
  while (i < rows.length) {
    if (rows[i]?.kind !== 'del') {
      i++;
      continue;
    }
    const delStart = i;
    while (rows[i]?.kind === 'del') i++;
    const addStart = i;
    while (rows[i]?.kind === 'add') i++;
    const pairs = Math.min(addStart - delStart, i - addStart);
    for (let k = 0; k < pairs; k++) {
      const del = rows[delStart + k] as DiffRow;
      const add = rows[addStart + k] as DiffRow;
      const parts = wordParts(del.text, add.text);
      if (parts) {
        del.words = parts.before;
        add.words = parts.after;
      }
    }
  }
}
