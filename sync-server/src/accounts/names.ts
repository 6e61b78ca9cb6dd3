/**
 * Names of users and repositories. Names are data, never paths: they appear in URLs and in the
 * folder of each bare git repository, so each must match a strict pattern before any use.
 * The alphabet matches the Yjs document paths (yjs/doc-path.ts).
 */

/** Owner and repository names: letters, digits, `.`, `_`, `-`; no `..`; not ending in `.git`/`.dvc`/`.mlflow`. */
const REPO_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9_-])?$/;
/** User names: letters, digits, `_`, `-`, up to 39 characters (GitHub's limit). */
const USER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38})$/;

export function isValidRepoName(name: string): boolean {
  return REPO_NAME.test(name) && !name.includes('..') && !/\.(git|dvc|mlflow)$/i.test(name);
}

export function isValidUsername(name: string): boolean {
  // `api`, `yjs` and `healthz` begin server paths of their own, so nobody may own them.
  return USER_NAME.test(name) && !RESERVED_OWNERS.has(name.toLowerCase());
}

const RESERVED_OWNERS = new Set(['api', 'yjs', 'healthz', 'assets', 'static', 'sw.js', 'manifest']);
