/** Repository owner and name rules: names are data, not paths (RELIABILITY B9). */
import { isValidRepoName } from '@cairn/core/names';
import { InvalidRepoNameError } from './errors.ts';

/** The server's rule, from core: a name the app accepts is one the server accepts. */
export { isValidRepoName };

export function assertRepoName(value: string): void {
  if (!isValidRepoName(value)) throw new InvalidRepoNameError(value);
}

/** `owner/repo`, the id of a repository everywhere in the app. */
export function repoId(owner: string, repo: string): string {
  return `${owner}/${repo}`;
}
