/**
 * Typed errors of the logger (CairnErrors): a snake_case `code` to branch on, details a person can
 * act on. `errorCode` of MlflowRejectedError is MLflow's own code, as the server sent it.
 */
import { CairnError } from '@cairn/core/errors';

/** The MLflow server answered with an error that retrying will not fix (a 4xx other than 429). */
export class MlflowRejectedError extends CairnError<'mlflow_rejected'> {
  constructor(
    readonly endpoint: string,
    readonly status: number,
    readonly errorCode: string | null,
    message: string,
  ) {
    super('mlflow_rejected', `MLflow ${endpoint} answered ${status}${errorCode ? ` ${errorCode}` : ''}: ${message}`, {
      endpoint,
      status,
      errorCode,
    });
    this.name = 'MlflowRejectedError';
  }
}

/** The MLflow server could not be reached or answered 5xx/429: the work stays queued. */
export class MlflowUnavailableError extends CairnError<'mlflow_unavailable'> {
  constructor(
    readonly endpoint: string,
    readonly reason: string,
  ) {
    super('mlflow_unavailable', `MLflow ${endpoint} is unavailable: ${reason}`, { endpoint, reason });
    this.name = 'MlflowUnavailableError';
  }
}

/** A queued operation on disk could not be read back (a damaged or foreign file in the queue folder). */
export class QueueFileError extends CairnError<'queue_file_invalid'> {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super('queue_file_invalid', `queued operation ${file} is unreadable: ${reason}`, { file, reason });
    this.name = 'QueueFileError';
  }
}

/** A value passed to logMetrics/logParams that cannot be logged (a metric that is not a number, a bad step). */
export class InvalidLogValueError extends CairnError<'invalid_log_value'> {
  constructor(
    readonly key: string,
    readonly value: unknown,
    reason: string,
  ) {
    super('invalid_log_value', `cannot log ${key}=${String(value)}: ${reason}`, { key, reason });
    this.name = 'InvalidLogValueError';
  }
}
