/**
 * `.dvcignore`: gitignore syntax, one file per directory, each applying to paths below its own
 * directory (dvc/ignore.py DvcIgnorePatterns). Matching is done by the `ignore` package; this
 * class only routes a path to the patterns of each `.dvcignore` above it. `.git`, `.hg` and
 * `.dvc` are always ignored, as DVC does. Pure: the caller reads the files.
 */
import ignore, { type Ignore } from 'ignore';

const ALWAYS_IGNORED = ['.git/', '.hg/', '.dvc/'];
const ALWAYS_IGNORED_DIRS = new Set(['.git', '.hg', '.dvc']);

export class DvcIgnore {
  /** Directory (repo-relative POSIX, '' for the root) → its patterns. */
  private readonly byDir = new Map<string, Ignore>();
  /** False until a `.dvcignore` is added: then only the fixed folders are ignored, without matching. */
  private hasPatterns = false;

  constructor() {
    this.byDir.set('', ignore().add(ALWAYS_IGNORED));
  }

  /** Adds the text of `<dir>/.dvcignore` (`dir` repo-relative POSIX, '' for the root). */
  addFile(dir: string, text: string): void {
    const d = trimSlashes(dir);
    // `dvc init` writes a .dvcignore of comments only: such a file matches nothing, and keeps the
    // walk on its fast path (matching every file was a fifth of an unchanged status's time).
    if (hasPatternLine(text)) this.hasPatterns = true;
    const existing = this.byDir.get(d);
    if (existing) existing.add(text);
    else this.byDir.set(d, ignore().add(text));
  }

  /** Whether `path` (repo-relative POSIX) is ignored. Pass `isDir` for directories. */
  ignores(path: string, isDir = false): boolean {
    const p = trimSlashes(path);
    if (p === '') return false;
    // The common case (no .dvcignore): a walk of 10,000 files asks this 10,000 times.
    if (!this.hasPatterns) return isDir && ALWAYS_IGNORED_DIRS.has(p.slice(p.lastIndexOf('/') + 1));
    for (const [dir, ig] of this.byDir) {
      if (dir !== '' && !p.startsWith(`${dir}/`)) continue;
      const rel = dir === '' ? p : p.slice(dir.length + 1);
      if (ig.ignores(isDir ? `${rel}/` : rel)) return true;
    }
    return false;
  }
}

/**
 * Whether gitignore `text` has a line that can match: one neither blank nor a comment (`#` first;
 * `\#` is a pattern). Leading spaces are part of a pattern, so ` #x` counts: when in doubt, match.
 */
export function hasPatternLine(text: string): boolean {
  for (const line of text.split(/\r?\n/)) if (line.trim() !== '' && !line.startsWith('#')) return true;
  return false;
}

function trimSlashes(p: string): string {
  // A walk asks about every file, and its paths never start or end with '/': skip the regex.
  if (p.charCodeAt(0) !== 0x2f && p.charCodeAt(p.length - 1) !== 0x2f) return p;
  return p.replace(/^\/+|\/+$/g, '');
}
