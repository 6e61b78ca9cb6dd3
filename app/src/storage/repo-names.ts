/** Repository owner and name rules: names are data, not paths (RELIABILITY B9). */
import { InvalidRepoNameError } from './errors.ts';

/** Like the server's: letters, digits, `.`, `-`, `_`; not starting with `.`; not ending in `.git`. */
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

export function isValidRepoName(value: string): boolean {
  return NAME.test(value) && !/\.(git|dvc|mlflow)$/i.test(value);
}

export function assertRepoName(value: string): void {
  if (!isValidRepoName(value)) throw new InvalidRepoNameError(value);
}

/** `owner/repo`, the id of a repository everywhere in the app. */
export function repoId(owner: string, repo: string): string {
  return `${owner}/${repo}`;
}
