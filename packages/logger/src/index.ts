/**
 * @cairn/logger — experiment logging for Node training scripts (TypeScript or JavaScript).
 * Writes the DagsHub logger's metrics.csv/params.yml byte for byte and/or logs to any MLflow
 * endpoint through a disk queue: nothing is lost while the server is away, nothing is sent twice.
 */

// The DagsHub files are core's (one writer for Cairn); re-exported under the logger's names.
export {
  formatDagshubMetricRow as formatMetricRow,
  normalizeDagshubParams as normalizeParams,
  serializeDagshubParams as serializeParamsYml,
} from '@cairn/core/dagshub';
export { BATCH_LIMITS, type DeliveryResult, deliverQueue } from './deliver.ts';
export { InvalidLogValueError, MlflowRejectedError, MlflowUnavailableError, QueueFileError } from './errors.ts';
export { type ExperimentLogger, type LoggerOptions, type MlflowOptions, makeLogger } from './experiment-logger.ts';
export const METRICS_CSV_HEADER = 'Name,Value,Timestamp,Step\n';
export { CLIENT_RUN_ID_TAG } from './queue-ops.ts';
