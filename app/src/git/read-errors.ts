/**
 * Typed failures of the read side. The UI maps `code` to a message and an action; nobody
 * matches on message text.
 * - ref_not_found: neither this device nor (when asked) the server has the revision;
 * - not_on_device: not on this device, and the server could not be asked (offline);
 * - ambiguous_revision: an abbreviated commit id several commits start with (`data.candidates`).
 */
import { CairnError } from '@cairn/core/errors';

export type GitReadErrorCode =
  | 'ref_not_found'
  | 'not_on_device'
  | 'ambiguous_revision'
  | 'path_not_found'
  | 'not_a_folder'
  | 'not_a_file'
  | 'empty_repository';

export interface GitReadErrorData {
  ref?: string;
  path?: string;
  candidates?: string[];
}

export class GitReadError extends CairnError<GitReadErrorCode, GitReadErrorData> {
  override readonly name = 'GitReadError';
  constructor(code: GitReadErrorCode, message: string, data: GitReadErrorData = {}) {
    super(code, message, data);
  }
}
