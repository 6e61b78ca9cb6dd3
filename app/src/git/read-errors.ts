/**
 * Typed failures of the read side. The UI maps `code` to a message and an action; nobody
 * matches on message text.
 */
import { CairnError } from '@cairn/core/errors';

export type GitReadErrorCode = 'ref_not_found' | 'path_not_found' | 'not_a_folder' | 'not_a_file' | 'empty_repository';

export class GitReadError extends CairnError<GitReadErrorCode, { ref?: string; path?: string }> {
  override readonly name = 'GitReadError';
  constructor(code: GitReadErrorCode, message: string, data: { ref?: string; path?: string } = {}) {
    super(code, message, data);
  }
}
