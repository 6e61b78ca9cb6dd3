import fsp from 'node:fs/promises';
import path from 'node:path';
import { runGit } from '../git/run-git.ts';

/**
 * Where a repository's bare git folder lives: `DATA/git/ID.git`. Folders are named by the
 * numeric id, never by user-supplied names, so no name can reach the file system.
 */
export function gitRoot(dataDir: string): string {
  return path.join(dataDir, 'git');
}

export function gitDirOf(dataDir: string, repoId: number): string {
  if (!Number.isSafeInteger(repoId) || repoId <= 0) throw new Error(`bad repository id ${repoId}`);
  return path.join(gitRoot(dataDir), `${repoId}.git`);
}

/**
 * Settings of every hosted repository: pushes over HTTP on (we authorise them ourselves),
 * objects checked on receive (RELIABILITY B1, B8), no rewriting of published history.
 */
export async function configureBareRepo(dir: string): Promise<void> {
  const settings: Array<[string, string]> = [
    ['http.receivepack', 'true'],
    ['http.uploadpack', 'true'],
    ['receive.fsckObjects', 'true'],
    ['receive.denyNonFastForwards', 'false'],
    ['receive.denyDeletes', 'false'],
    ['uploadpack.allowFilter', 'true'],
    ['core.logAllRefUpdates', 'true'],
  ];
  for (const [k, v] of settings) await runGit(['config', k, v], { cwd: dir });
}

/** Creates an empty bare repository (default branch `main`) for `repoId`. */
export async function initBareRepo(dataDir: string, repoId: number): Promise<string> {
  const dir = gitDirOf(dataDir, repoId);
  await fsp.mkdir(gitRoot(dataDir), { recursive: true });
  await runGit(['init', '--quiet', '--bare', '--initial-branch=main', dir]);
  await configureBareRepo(dir);
  return dir;
}
