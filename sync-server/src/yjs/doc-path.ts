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

/** Owner and repository names, as in git/DVC/MLflow URLs: letters, digits, `.`, `_`, `-`. */
const REPO_PART = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9_-])?$/;
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
  checkPart(pathname, 'owner', owner, REPO_PART);
  checkPart(pathname, 'repo', repo, REPO_PART);
  checkPart(pathname, 'doc', doc, DOC_NAME);
  return { owner, repo, doc, key: `${owner}/${repo}/${doc}` };
}

function checkPart(path: string, part: 'owner' | 'repo' | 'doc', value: string, pattern: RegExp): void {
  // `.git`/`.dvc`/`.mlflow` end the URLs of the other clients, so repos cannot end with them.
  const reservedSuffix = part !== 'doc' && /\.(git|dvc|mlflow)$/i.test(value);
  if (!pattern.test(value) || value.includes('..') || reservedSuffix) {
    throw new DocPathError(
      `The ${part} name ${JSON.stringify(value.slice(0, 80))} is not allowed: use letters, digits, '.', '_' and '-'.`,
      { path: path.slice(0, 300), part },
    );
  }
}
