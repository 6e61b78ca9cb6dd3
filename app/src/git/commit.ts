/** Writing files into a repository's working tree and committing them, durably. */
import type { RepoHandle } from '../storage/repo-handle.ts';
import { getAuthor } from './author.ts';
import { loadGit } from './load-git.ts';

export interface CommitChanges {
  /** Files to write (path relative to the repository root → content). */
  write?: Record<string, string | Uint8Array>;
  /** Paths to delete. */
  remove?: string[];
  message: string;
}

function joinPath(dir: string, path: string): string {
  return `${dir.replace(/\/+$/, '')}/${path}`;
}

async function mkdirp(handle: RepoHandle, path: string): Promise<void> {
  const parts = path.split('/').slice(0, -1);
  let at = handle.dir.replace(/\/+$/, '');
  for (const part of parts) {
    at = `${at}/${part}`;
    try {
      await handle.pfs.mkdir(at);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
  }
}

/** Reads a working-tree file as text, or null when absent. */
export async function readWorkFile(handle: RepoHandle, path: string): Promise<string | null> {
  try {
    return (await handle.pfs.readFile(joinPath(handle.dir, path), { encoding: 'utf8' })) as string;
  } catch {
    return null;
  }
}

/**
 * Writes and removes files, stages them, commits, and flushes lightning-fs: when this
 * resolves, the commit is saved on this device. Returns the commit's sha.
 */
export async function commitChanges(handle: RepoHandle, changes: CommitChanges): Promise<string> {
  const { git } = await loadGit();
  const { fs, dir } = handle;
  for (const [path, content] of Object.entries(changes.write ?? {})) {
    await mkdirp(handle, path);
    await handle.pfs.writeFile(joinPath(dir, path), content, { mode: 0o666, encoding: 'utf8' });
    await git.add({ fs, dir, filepath: path });
  }
  for (const path of changes.remove ?? []) {
    await handle.pfs.unlink(joinPath(dir, path)).catch(() => {});
    await git.remove({ fs, dir, filepath: path });
  }
  const author = await getAuthor();
  const sha = await git.commit({ fs, dir, message: changes.message, author });
  await handle.flush();
  return sha;
}
