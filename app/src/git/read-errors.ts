/**
 * Typed failures of the read side. The UI maps `code` to a message and an action; nobody
 * matches on message text.
 */

export type GitReadErrorCode = 'REF_NOT_FOUND' | 'PATH_NOT_FOUND' | 'NOT_A_FOLDER' | 'NOT_A_FILE' | 'EMPTY_REPOSITORY';

export class GitReadError extends Error {
  override readonly name = 'GitReadError';
  constructor(
    readonly code: GitReadErrorCode,
    message: string,
    readonly data: { ref?: string; path?: string } = {},
  ) {
    super(message);
  }
  toJSON() {
    return { name: this.name, code: this.code, message: this.message, data: this.data };
  }
}
