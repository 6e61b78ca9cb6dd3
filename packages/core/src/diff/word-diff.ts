/**
 * Changes within a line, by word (jsdiff's word-with-space tokens), for the darker highlight
 * inside a changed line. Lines that share almost nothing get no highlight: marking every word
 * of a rewritten line says less than the line's own red or green.
 */
import { diffWordsWithSpace } from 'diff';

export interface WordPart {
  text: string;
  changed: boolean;
}

/** Past this many characters a line is not split into words (a minified file, a data line). */
const MAX_LINE = 2000;
/** Below this share of unchanged characters the highlight is dropped. */
const MIN_COMMON = 0.3;

/** The parts of `before` and `after`, or null when a word highlight would not help. */
export function wordParts(before: string, after: string): { before: WordPart[]; after: WordPart[] } | null {
  if (before.length > MAX_LINE || after.length > MAX_LINE || before === after) return null;
  const changes = diffWordsWithSpace(before, after);
  const left: WordPart[] = [];
  const right: WordPart[] = [];
  let common = 0;
  for (const c of changes) {
    if (c.added) right.push({ text: c.value, changed: true });
    else if (c.removed) left.push({ text: c.value, changed: true });
    else {
      common += c.value.length;
      left.push({ text: c.value, changed: false });
      right.push({ text: c.value, changed: false });
    }
  }
  const longest = Math.max(before.length, after.length);
  if (longest > 0 && common / longest < MIN_COMMON) return null;
  return { before: left, after: right };
}
