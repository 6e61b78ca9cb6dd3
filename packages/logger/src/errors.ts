/** Typed errors of the logger: a literal `code` to branch on, details a person can act on. */

/** The MLflow server answered with an error that retrying will not fix (a 4xx other than 429). */
export class MlflowRejectedError extends Error {
  readonly code = 'MLFLOW_REJECTED' as const;
  constructor(
    readonly endpoint: string,
    readonly status: number,
    readonly errorCode: string | null,
    message: string,
  ) {
    super(`MLflow ${endpoint} answered ${status}${errorCode ? ` ${errorCode}` : ''}: ${message}`);
    this.name = 'MlflowRejectedError';
  }
}

/** The MLflow server could not be reached or answered 5xx/429: the work stays queued. */
export class MlflowUnavailableError extends Error {
  readonly code = 'MLFLOW_UNAVAILABLE' as const;
  constructor(
    readonly endpoint: string,
    readonly reason: string,
  ) {
    super(`MLflow ${endpoint} is unavailable: ${reason}`);
    this.name = 'MlflowUnavailableError';
  }
}

/** A queued operation on disk could not be read back (a damaged or foreign file in the queue folder). */
export class QueueFileError extends Error {
  readonly code = 'QUEUE_FILE_INVALID' as const;
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`queued operation ${file} is unreadable: ${reason}`);
    this.name = 'QueueFileError';
  }
}

/** A value passed to logMetrics/logParams that cannot be logged (a metric that is not a number, a bad step). */
export class InvalidLogValueError extends Error {
  readonly code = 'INVALID_LOG_VALUE' as const;
  constructor(
    readonly key: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`cannot log ${key}=${String(value)}: ${reason}`);
    this.name = 'InvalidLogValueError';
  }
}
