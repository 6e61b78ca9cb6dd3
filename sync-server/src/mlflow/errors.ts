import type { ServerResponse } from 'node:http';
import { sendJson } from '../http/respond.ts';

/**
 * MLflow's error shape and codes (mlflow/exceptions.py): clients read `error_code` from a JSON
 * body, and the HTTP status follows the code. Extra keys (a filter error's position) are
 * allowed by clients and useful to people.
 */

export type MlflowErrorCode =
  | 'INVALID_PARAMETER_VALUE'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'BAD_REQUEST'
  | 'MALFORMED_REQUEST'
  | 'ENDPOINT_NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'INTERNAL_ERROR';

const STATUS: Record<MlflowErrorCode, number> = {
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  RESOURCE_ALREADY_EXISTS: 400,
  BAD_REQUEST: 400,
  MALFORMED_REQUEST: 400,
  ENDPOINT_NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  REQUEST_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
};

export class MlflowError extends Error {
  override readonly name = 'MlflowError';
  readonly code: MlflowErrorCode;
  readonly status: number;
  /** Extra fields for the JSON body (e.g. a filter error's line and column). */
  readonly details: Record<string, unknown>;

  constructor(code: MlflowErrorCode, message: string, details: Record<string, unknown> = {}, status?: number) {
    super(message);
    this.code = code;
    this.status = status ?? STATUS[code];
    this.details = details;
  }
}

export const invalid = (message: string, details?: Record<string, unknown>) =>
  new MlflowError('INVALID_PARAMETER_VALUE', message, details);
/** An artifact upload went past the limit: HTTP 413 in MLflow's shape. */
export const artifactTooLarge = (maxBytes: number) =>
  new MlflowError('INVALID_PARAMETER_VALUE', `Artifacts may be at most ${maxBytes} bytes.`, {}, 413);
export const notFound = (message: string) => new MlflowError('RESOURCE_DOES_NOT_EXIST', message);

export function sendMlflowError(res: ServerResponse, err: MlflowError, headers: Record<string, string> = {}): void {
  sendJson(res, err.status, { ...err.details, error_code: err.code, message: err.message }, headers);
}
