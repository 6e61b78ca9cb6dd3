/** Creating a new repository on this device: `git init` + DVC's config files, first commit. */
import { type RepoHandle, registerRepo, updateRepo } from '../storage/repo-handle.ts';
import { commitChanges } from './commit.ts';
import { loadGit } from './load-git.ts';
import { dvcRemoteUrl } from './urls.ts';

export const DEFAULT_BRANCH = 'main';

/** `.dvc/config` pointing the DVC remote `origin` at the server (or none for a local repository). */
export function dvcConfigText(server: string | null, owner: string, repo: string): string {
  if (!server) return '[core]\n    autostage = true\n';
  return `[core]\n    remote = origin\n    autostage = true\n['remote "origin"']\n    url = ${dvcRemoteUrl(server, owner, repo)}\n`;
}

/**
 * Creates `owner/repo` on this device with a first commit holding a README and DVC's config,
 * so `dvc pull` works in a clone made with plain git. `server` is where it will sync (or null).
 */
export async function createLocalRepo(owner: string, repo: string, server: string | null): Promise<RepoHandle> {
  const { git } = await loadGit();
  const handle = await registerRepo(owner, repo, server);
  await git.init({ fs: handle.fs, dir: handle.dir, defaultBranch: DEFAULT_BRANCH });
  if (server) {
    const { gitUrl } = await import('./urls.ts');
    await git.addRemote({ fs: handle.fs, dir: handle.dir, remote: 'origin', url: gitUrl(server, owner, repo) });
  }
  await commitChanges(handle, {
    write: {
      'README.md': `# ${repo}\n`,
      '.dvc/config': dvcConfigText(server, owner, repo),
      '.dvc/.gitignore': '/config.local\n/tmp\n/cache\n',
      '.dvcignore': '# Files DVC should ignore, in .gitignore syntax.\n',
    },
    message: 'Initial commit',
  });
  await updateRepo(handle.id, { syncState: server ? 'pending' : 'local-only', pending: server !== null });
  return handle;
}
