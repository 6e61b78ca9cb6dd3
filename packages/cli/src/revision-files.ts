/**
 * The files of one revision as the diff commands read them: a git commit through the real `git`
 * (`ls-tree`, `cat-file`), or the workspace (files git tracks or would track, read from disk).
 * Paths are POSIX and relative to the folder the commands run from (the DVC root).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './cli-error.ts';

export interface RevisionFiles {
  /** What the tables call this side: the revision as typed, or `workspace`. */
  label: string;
  /** null for the workspace. */
  commit: string | null;
  paths: string[];
  read(path: string): string | null;
}

function git(root: string, args: string[], input?: string): string {
  return execFileSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(input !== undefined ? { input } : {}),
  });
}

/** The folder `git` sees as this repository's top, or null outside git. */
export function gitRoot(cwd: string): string | null {
  try {
    return git(cwd, ['rev-parse', '--show-toplevel']).trim();
  } catch {
    return null;
  }
}

/** A commit's files; a revision git does not know is DVC's "unknown Git revision" (exit 1). */
export function gitRevision(root: string, rev: string): RevisionFiles {
  let commit: string;
  try {
    commit = git(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).trim();
  } catch {
    throw new CliError('not_found', `unknown Git revision '${rev}'`);
  }
  const paths = git(root, ['ls-tree', '-r', '-z', '--name-only', commit, '--', '.'])
    .split('\0')
    .filter((p) => p !== '');
  const cache = new Map<string, string | null>();
  return {
    label: rev,
    commit,
    paths,
    read(p) {
      if (!cache.has(p)) {
        try {
          cache.set(p, git(root, ['cat-file', 'blob', `${commit}:./${p}`]));
        } catch {
          cache.set(p, null);
        }
      }
      return cache.get(p) ?? null;
    },
  };
}

/** The workspace: files git tracks plus untracked ones it does not ignore. */
export function workspaceRevision(root: string): RevisionFiles {
  let paths: string[];
  try {
    paths = git(root, ['ls-files', '-z', '-co', '--exclude-standard'])
      .split('\0')
      .filter((p) => p !== '');
  } catch {
    paths = [];
  }
  paths = paths.filter((p) => fs.existsSync(path.join(root, ...p.split('/'))));
  return {
    label: 'workspace',
    commit: null,
    paths,
    read(p) {
      try {
        return fs.readFileSync(path.join(root, ...p.split('/')), 'utf8');
      } catch {
        return null;
      }
    },
  };
}

/** DVC's `[a_rev [b_rev]]`: a_rev defaults to HEAD, b_rev to the workspace. */
export function revisionPair(root: string, positionals: readonly string[]): [RevisionFiles, RevisionFiles] {
  if (positionals.length > 2) throw new CliError('usage', 'at most two revisions: [a_rev] [b_rev]');
  const a = gitRevision(root, positionals[0] ?? 'HEAD');
  const b = positionals[1] === undefined ? workspaceRevision(root) : gitRevision(root, positionals[1]);
  return [a, b];
}
