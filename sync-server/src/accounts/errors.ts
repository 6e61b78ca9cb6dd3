/**
 * Typed errors of accounts, repositories and authorisation. Each has a literal `code` (sent to
 * clients in `{error: {code, message}}`) and the HTTP status it maps to.
 */
export class AccountsError extends Error {
  constructor(
    readonly code:
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
      | 'import_refused'
      | 'invalid_branch_name'
      | 'branch_not_found'
      | 'mirror_read_only',
    readonly status: number,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AccountsError';
  }
}
