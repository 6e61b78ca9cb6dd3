/**
 * The DVC repository a command runs in: its root (the folder holding `.dvc/`), the cache folder
 * (`.dvc/cache`, or `[cache] dir` of the config), the merged config (`config` + `config.local`),
 * and conversions between OS paths and the repo-relative POSIX paths DVC files use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type DvcConfig, mergeDvcConfig, parseDvcConfig } from '@cairn/core';
import { CliError } from './cli-error.ts';

export interface Repo {
  root: string;
  dvcDir: string;
  cacheDir: string;
  tmpDir: string;
  config: DvcConfig;
}

/** Finds the repository containing `cwd` (walking up), as DVC does. */
export function findRepo(cwd: string): Repo {
  let dir = path.resolve(cwd);
  for (;;) {
    if (fs.existsSync(path.join(dir, '.dvc')) && fs.statSync(path.join(dir, '.dvc')).isDirectory())
      return openRepo(dir);
    const up = path.dirname(dir);
    if (up === dir) {
      throw new CliError('not_a_repo', `you are not inside of a DVC repository (checked up to mount point '${dir}')`);
    }
    dir = up;
  }
}

export function openRepo(root: string): Repo {
  const dvcDir = path.join(root, '.dvc');
  const config = readConfig(dvcDir);
  const configured = config.sections.cache?.dir;
  const cacheDir = configured ? path.resolve(dvcDir, configured) : path.join(dvcDir, 'cache');
  return { root, dvcDir, cacheDir, tmpDir: path.join(dvcDir, 'tmp'), config };
}

function readConfig(dvcDir: string): DvcConfig {
  const read = (name: string): DvcConfig | undefined => {
    const file = path.join(dvcDir, name);
    if (!fs.existsSync(file)) return undefined;
    const parsed = parseDvcConfig(fs.readFileSync(file, 'utf8'), `.dvc/${name}`);
    if (!parsed.ok) throw new CliError('bad_file', parsed.error.describe());
    return parsed.value;
  };
  return mergeDvcConfig(read('config') ?? { sections: {} }, read('config.local'));
}

/** Repo-relative POSIX path of an absolute path; refuses paths outside the repository. */
export function repoPath(repo: Repo, abs: string): string {
  const rel = path.relative(repo.root, path.resolve(abs));
  if (rel === '') return '.';
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new CliError('usage', `'${abs}' is outside of the repository '${repo.root}'`);
  }
  return rel.split(path.sep).join('/');
}

/** Absolute OS path of a repo-relative POSIX path. */
export function absPath(repo: Repo, posix: string): string {
  return path.join(repo.root, ...posix.split('/'));
}
