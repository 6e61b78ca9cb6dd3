import { CairnError } from '@cairn/core/errors';

/**
 * The error of Cairn's own HTTP endpoints (JSON API, DVC remote, git, run feed): a CairnError
 * with the HTTP status it maps to; sent to clients as `{error: {code, message}}`. MLflow's
 * endpoints answer in MLflow's shape instead (mlflow/errors.ts).
 */
export type HttpErrorCode =
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
  | 'copy_failed'
  | 'confirmation_required'
  | 'invalid_branch_name'
  | 'branch_not_found'
  | 'mirror_read_only'
  | 'not_a_mirror'
  | 'bad_doc_name'
  // 503 + Retry-After: PostgreSQL cannot be reached (db/sql.ts DatabaseUnavailableError, server.ts).
  | 'database_unavailable';

export class HttpError extends CairnError<HttpErrorCode> {
  constructor(
    code: HttpErrorCode,
    readonly status: number,
    message: string,
    data: Record<string, unknown> = {},
  ) {
    super(code, message, data);
    this.name = 'HttpError';
  }
}
