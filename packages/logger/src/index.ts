/**
 * @cairn/logger — experiment logging for Node training scripts (TypeScript or JavaScript).
 * Writes the DagsHub logger's metrics.csv/params.yml byte for byte and/or logs to any MLflow
 * endpoint through a disk queue: nothing is lost while the server is away, nothing is sent twice.
 */
export { BATCH_LIMITS, type DeliveryResult, deliverQueue } from './deliver.ts';
export { InvalidLogValueError, MlflowRejectedError, MlflowUnavailableError, QueueFileError } from './errors.ts';
export { type ExperimentLogger, type LoggerOptions, type MlflowOptions, makeLogger } from './experiment-logger.ts';
export { formatMetricRow, METRICS_CSV_HEADER } from './metrics-csv.ts';
export { normalizeParams, serializeParamsYml } from './params-yml.ts';
export { CLIENT_RUN_ID_TAG } from './queue-ops.ts';
