/**
 * Typed failures of the read side. The UI maps `code` to a message and an action; nobody
 * matches on message text.
 * - REF_NOT_FOUND: neither this device nor (when asked) the server has the revision;
 * - NOT_ON_DEVICE: not on this device, and the server could not be asked (offline);
 * - AMBIGUOUS_REVISION: an abbreviated commit id several commits start with (`data.candidates`).
 */

export type GitReadErrorCode =
  | 'REF_NOT_FOUND'
  | 'NOT_ON_DEVICE'
  | 'AMBIGUOUS_REVISION'
  | 'PATH_NOT_FOUND'
  | 'NOT_A_FOLDER'
  | 'NOT_A_FILE'
  | 'EMPTY_REPOSITORY';

export class GitReadError extends Error {
  override readonly name = 'GitReadError';
  constructor(
    readonly code: GitReadErrorCode,
    message: string,
    readonly data: { ref?: string; path?: string; candidates?: string[] } = {},
  ) {
    super(message);
  }
  toJSON() {
    return { name: this.name, code: this.code, message: this.message, data: this.data };
  }
}
