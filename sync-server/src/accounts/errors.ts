import { CairnError } from '@cairn/core/errors';

/**
 * Typed errors of accounts, repositories and authorisation. Each has a literal `code` (sent to
 * clients in `{error: {code, message}}`) and the HTTP status it maps to.
 */
export type AccountsErrorCode =
  | 'bad_request'
  | 'malformed_json'
  | 'invalid_name'
  | 'name_taken'
  | 'not_found'
  | 'unauthorized'
  | 'forbidden'
  | 'invalid_credentials'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'method_not_allowed'
  | 'import_failed'
  | 'invalid_branch_name'
  | 'branch_not_found'
  | 'mirror_read_only';

export class AccountsError extends CairnError<AccountsErrorCode> {
  constructor(
    code: AccountsErrorCode,
    readonly status: number,
    message: string,
    data: Record<string, unknown> = {},
  ) {
    super(code, message, data);
    this.name = 'AccountsError';
  }
}
