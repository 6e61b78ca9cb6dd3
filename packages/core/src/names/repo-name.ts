/**
 * names/ — the one rule for owner and repository names, shared by the server (accounts,
 * repositories, Yjs document URLs) and the app. Names are data, never paths: they appear in
 * URLs and name each bare repository's folder, so they must match before any use.
 */

/**
 * Letters, digits, `.`, `_`, `-`, 1–100 characters; starting with a letter or digit and not
 * ending in `.` (both would read as hidden or relative path parts); no `..`.
 */
const REPO_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9_-])?$/;
/** `.git`/`.dvc`/`.mlflow` end the URLs of git, DVC and MLflow clients (`/owner/repo.git`). */
const CLIENT_SUFFIX = /\.(git|dvc|mlflow)$/i;

/**
 * Whether `name` may be an owner or a repository name.
 * @example isValidRepoName('segmentation') // true; '-x', '_x', 'a..b', 'x.', 'r.git' are false
 */
export function isValidRepoName(name: string): boolean {
  return REPO_NAME.test(name) && !name.includes('..') && !CLIENT_SUFFIX.test(name);
}
