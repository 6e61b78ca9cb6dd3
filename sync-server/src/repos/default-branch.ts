import { GitCommandError, runGit } from '../git/run-git.ts';
import { HttpError } from '../http/http-error.ts';

/**
 * A repository's default branch is git's own HEAD in its bare folder: what `git clone` checks
 * out and what the app opens. As on GitHub and Gitea, the first branch pushed into an empty
 * repository becomes the default, a later push never moves a HEAD that names an existing
 * branch, and when the default branch is deleted HEAD moves to another branch so clones keep
 * working. Every change of HEAD goes through `git symbolic-ref` (atomic: lock file + rename)
 * inside a per-folder queue, so a push's repair and an API change never interleave.
 */

const HEADS = 'refs/heads/';

/** The branch HEAD names, or null when HEAD is dangling (no such branch), detached or unreadable. */
export async function readDefaultBranch(dir: string): Promise<string | null> {
  try {
    const full = (await runGit(['rev-parse', '--verify', '-q', '--symbolic-full-name', 'HEAD'], { cwd: dir })).trim();
    return full.startsWith(HEADS) ? full.slice(HEADS.length) : null;
  } catch (err) {
    if (err instanceof GitCommandError && err.data.exitCode === 1) return null; // dangling HEAD
    throw err;
  }
}

/** Every branch of the repository, in git's (byte) order of ref names. */
export async function listBranches(dir: string): Promise<string[]> {
  const out = await runGit(['for-each-ref', '--format=%(refname)', HEADS], { cwd: dir });
  return out
    .split('\n')
    .filter((l) => l.startsWith(HEADS))
    .map((l) => l.slice(HEADS.length));
}

/** Which branch becomes the default when HEAD names none: `main`, else `master`, else the first. */
export function pickDefaultBranch(branches: readonly string[]): string | null {
  if (branches.includes('main')) return 'main';
  if (branches.includes('master')) return 'master';
  return [...branches].sort(byBytes)[0] ?? null;
}

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** One queue per bare folder: HEAD is read and written by one task at a time. */
const queues = new Map<string, Promise<unknown>>();

function serialised<T>(dir: string, task: () => Promise<T>): Promise<T> {
  const before = queues.get(dir) ?? Promise.resolve();
  const run = before.then(task, task);
  const tail = run.catch(() => {});
  queues.set(dir, tail);
  void tail.then(() => {
    if (queues.get(dir) === tail) queues.delete(dir);
  });
  return run;
}

/**
 * Points a HEAD that names no existing branch (a new repository after its first push, or one
 * whose default branch was just deleted) at `preferred` if that branch exists, else at the
 * branch `pickDefaultBranch` chooses. A HEAD naming an existing branch is left alone. Returns
 * the default branch afterwards (null: the repository has no branch) and whether HEAD moved.
 */
export function repairHead(
  dir: string,
  preferred: string | null = null,
): Promise<{ defaultBranch: string | null; changed: boolean }> {
  return serialised(dir, async () => {
    const current = await readDefaultBranch(dir);
    if (current !== null) return { defaultBranch: current, changed: false };
    const branches = await listBranches(dir);
    const next = preferred !== null && branches.includes(preferred) ? preferred : pickDefaultBranch(branches);
    if (next === null) return { defaultBranch: null, changed: false };
    await pointHead(dir, next, 'cairn: HEAD named no branch');
    return { defaultBranch: next, changed: true };
  });
}

/**
 * Makes `branch` the default when it exists (a mirror following its source); otherwise only
 * repairs a dangling HEAD. Unlike `repairHead` it moves a valid HEAD.
 */
export function followDefaultBranch(dir: string, branch: string): Promise<string | null> {
  return serialised(dir, async () => {
    const branches = await listBranches(dir);
    const current = await readDefaultBranch(dir);
    if (branches.includes(branch)) {
      if (current !== branch) await pointHead(dir, branch, 'cairn: source default branch');
      return branch;
    }
    if (current !== null) return current;
    const next = pickDefaultBranch(branches);
    if (next !== null) await pointHead(dir, next, 'cairn: HEAD named no branch');
    return next;
  });
}

/** Whether `name` may be a branch name (git's rules, plus no leading '-' and no '@{…}'). */
export async function isValidBranchName(name: string): Promise<boolean> {
  if (name.length === 0 || name.length > 255 || name.startsWith('-') || /[\0-\x20\x7f]/.test(name)) return false;
  try {
    await runGit(['check-ref-format', `${HEADS}${name}`]);
    return true;
  } catch (err) {
    if (err instanceof GitCommandError) return false;
    throw err;
  }
}

/**
 * Sets the default branch through the API. Refuses a name git would not accept
 * (400 invalid_branch_name) and a branch the repository does not have (422 branch_not_found);
 * HEAD is unchanged then.
 */
export async function setDefaultBranch(dir: string, name: string, by: string): Promise<void> {
  if (!(await isValidBranchName(name))) {
    throw new HttpError(
      'invalid_branch_name',
      400,
      `${JSON.stringify(name.slice(0, 100))} is not a valid branch name.`,
    );
  }
  await serialised(dir, async () => {
    if (!(await listBranches(dir)).includes(name)) {
      throw new HttpError('branch_not_found', 422, `This repository has no branch named ${JSON.stringify(name)}.`, {
        branch: name,
      });
    }
    await pointHead(dir, name, `cairn: default branch set by ${by}`);
  });
}

function pointHead(dir: string, branch: string, why: string): Promise<string> {
  return runGit(['symbolic-ref', '-m', why, 'HEAD', `${HEADS}${branch}`], { cwd: dir });
}

/**
 * The branch a remote's HEAD names (`git ls-remote --symref URL HEAD`), or null when the remote
 * does not say (empty, detached or dangling HEAD).
 */
export async function remoteDefaultBranch(
  url: string,
  opts: { env?: Record<string, string>; timeoutMs?: number; signal?: AbortSignal },
): Promise<string | null> {
  const out = await runGit(['ls-remote', '--symref', '--', url, 'HEAD'], opts);
  const m = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out);
  return m ? (m[1] as string) : null;
}
