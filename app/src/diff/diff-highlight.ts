/**
 * Syntax colours for text diffs: highlight.js core and the one grammar a file needs, loaded on
 * first use (through the viewers' loader), then each shown line highlighted on its own — cheap,
 * and a line is coloured the same on both sides. Only for files under a size limit; a line with
 * word marks keeps its marks instead.
 */
import { highlightCode, languageOf } from '../viewers/highlight.ts';

/** Diffs of files larger than this (either side) are not coloured. */
export const HIGHLIGHT_MAX_CHARS = 256 * 1024;

export type LineHighlighter = (line: string) => string;

/** A per-line highlighter for `path`, or null when no grammar fits. */
export async function lineHighlighter(path: string): Promise<LineHighlighter | null> {
  const language = languageOf(path.slice(path.lastIndexOf('/') + 1));
  if (!language) return null;
  // Registers the grammar with highlight.js' core (the same module instance as below).
  if ((await highlightCode('', path, language)) === null) return null;
  const { default: hljs } = await import('highlight.js/lib/core');
  const cache = new Map<string, string>();
  return (line) => {
    let html = cache.get(line);
    if (html === undefined) {
      html = hljs.highlight(line, { language, ignoreIllegals: true }).value;
      cache.set(line, html);
    }
    return html;
  };
}
