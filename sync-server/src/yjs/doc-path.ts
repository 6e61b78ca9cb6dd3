import { isValidRepoName } from '@cairn/core/names';
import { DocPathError } from './errors.ts';

/**
 * Parses the path of a Yjs WebSocket URL, `/yjs/OWNER/REPO/DOC`. Names are data, never paths:
 * each part must match a strict pattern, so no URL can name a document outside a repository,
 * smuggle a separator or grow the key without bound.
 */

export interface DocAddress {
  owner: string;
  repo: string;
  doc: string;
  /** `owner/repo/doc`: the document's key in storage and in memory. */
  key: string;
}

/** Document names: the same alphabet, up to 128 characters, starting with a letter or digit. */
const DOC_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const YJS_PREFIX = '/yjs/';

/**
 * `parseDocPath('/yjs/demo/segmentation/notes')` → `{ owner: 'demo', repo: 'segmentation',
 * doc: 'notes', key: 'demo/segmentation/notes' }`; anything else throws `DocPathError`.
 * The path is taken as sent (percent-escapes are not decoded, so `%2e%2e` is refused).
 */
export function parseDocPath(pathname: string): DocAddress {
  if (!pathname.startsWith(YJS_PREFIX)) {
    throw new DocPathError('A Yjs URL starts with /yjs/.', { path: pathname });
  }
  const parts = pathname.slice(YJS_PREFIX.length).split('/');
  if (parts.length !== 3) {
    throw new DocPathError('A Yjs URL is /yjs/OWNER/REPO/DOC.', { path: pathname });
  }
  const [owner, repo, doc] = parts as [string, string, string];
  // Owner and repository: the rule of git/DVC/MLflow URLs (core's, one for every part of Cairn).
  checkPart(pathname, 'owner', owner, isValidRepoName);
  checkPart(pathname, 'repo', repo, isValidRepoName);
  checkPart(pathname, 'doc', doc, (name) => DOC_NAME.test(name) && !name.includes('..'));
  return { owner, repo, doc, key: `${owner}/${repo}/${doc}` };
}

function checkPart(
  path: string,
  part: 'owner' | 'repo' | 'doc',
  value: string,
  isValid: (name: string) => boolean,
): void {
  if (!isValid(value)) {
    throw new DocPathError(
      `The ${part} name ${JSON.stringify(value.slice(0, 80))} is not allowed: use letters, digits, '.', '_' and '-'.`,
      { path: path.slice(0, 300), part },
    );
  }
}
