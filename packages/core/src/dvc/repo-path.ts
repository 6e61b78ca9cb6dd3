/**
 * Paths written inside DVC files are data from the repository, not paths to trust: before anything
 * joins them to a directory on disk they must stay inside the repository. This module is the one
 * check the parsers, the CLI and the app share.
 */
import { ParseError } from '../errors/parse-error.ts';
import { fail, ok, type Result } from '../errors/result.ts';

/** URLs (`s3://b/x`, `remote://r/x`, `https://…`) name external data; they are never joined to the repo. */
const URL_RE = /^[a-zA-Z][a-zA-Z0-9+.-]+:\/\//;

/** True for an external location such as `s3://bucket/x` (a drive letter `C:\` is not one). */
export function isExternalPath(path: string): boolean {
  return URL_RE.test(path);
}

/** Why a repository path is refused, or undefined when its spelling is acceptable. */
function spellingProblem(path: string): string | undefined {
  if (path === '') return 'is empty';
  if (path.includes('\0')) return 'contains a NUL byte';
  if (path.includes('\\')) return 'uses a backslash; DVC files use forward slashes';
  if (path.startsWith('/')) return 'is absolute; paths must be relative to the repository';
  if (/^[a-zA-Z]:/.test(path)) return 'starts with a drive letter; paths must be relative to the repository';
  return undefined;
}

/**
 * Resolves `relPath` (as written in a DVC file) against `baseDir` (repository-relative, '.' for the
 * root) and returns the normalised repository-relative path, or an `unsafe_path` error when the path
 * is absolute, uses backslashes or NUL, or climbs out of the repository. Never throws.
 * @example resolveRepoPath('data', '../model.pkl') // ok('model.pkl')
 */
export function resolveRepoPath(baseDir: string, relPath: string): Result<string> {
  const base = typeof baseDir === 'string' ? baseDir : '';
  const rel = typeof relPath === 'string' ? relPath : '';
  for (const [what, p] of [
    ['path', rel],
    ['base directory', base === '' ? '.' : base],
  ] as const) {
    const problem = spellingProblem(p);
    if (problem !== undefined) return fail({ code: 'unsafe_path', message: `${what} '${printable(p)}' ${problem}.` });
  }
  const out: string[] = [];
  for (const part of `${base}/${rel}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) {
        return fail({
          code: 'unsafe_path',
          message: `path '${printable(rel)}' leads outside the repository (from '${printable(base || '.')}').`,
        });
      }
      out.pop();
    } else out.push(part);
  }
  return ok(out.length === 0 ? '.' : out.join('/'));
}

/** Directories that belong to git and DVC themselves: nothing in a DVC file may write into them. */
export function isInternalPath(resolved: string): boolean {
  const first = resolved.split('/')[0]?.toLowerCase() ?? '';
  // `git~1` is how Windows 8.3 names can reach `.git`; trailing dots/spaces are dropped by NTFS.
  const name = first.replace(/[. ]+$/, '');
  return name === '.git' || name === '.dvc' || name === 'git~1';
}

/**
 * Checks a path an output would be written to: safe as `resolveRepoPath`, and not inside `.git` or
 * `.dvc`. External URLs pass untouched when `allowExternal` is set.
 */
export function checkRepoPath(
  baseDir: string,
  relPath: string,
  opts: { output?: boolean; allowExternal?: boolean } = {},
): ParseError | undefined {
  if (opts.allowExternal && isExternalPath(relPath) && !relPath.includes('\0')) return undefined;
  const r = resolveRepoPath(baseDir, relPath);
  if (!r.ok) return r.error;
  if (opts.output && (r.value === '.' || isInternalPath(r.value))) {
    return new ParseError({
      code: 'unsafe_path',
      message: `output '${printable(relPath)}' would overwrite ${r.value === '.' ? 'the whole repository' : `'${r.value.split('/')[0]}' internals`}.`,
    });
  }
  return undefined;
}

/** Keeps messages one line and readable when the path holds control characters. */
function printable(p: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we escape
  const s = p.replace(/[\u0000-\u001f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
