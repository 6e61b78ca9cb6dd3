/**
 * The event a sync sends when it moved a repository's checked-out branch (a pull or a merge
 * brought commits from the server), so open views of that repository read it again.
 * `detail` is the repository's id, `owner/repo`.
 */
export const REPO_CONTENT_CHANGED = 'cairn:repo-content-changed';

export function announceContentChanged(id: string): void {
  globalThis.dispatchEvent?.(new CustomEvent(REPO_CONTENT_CHANGED, { detail: id }));
}
