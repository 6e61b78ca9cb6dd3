/**
 * runs/ — the one run model for MLflow runs and git experiments, and the filter language
 * (MLflow's search syntax plus OR, IN and parentheses) with order_by, evaluated the same way on
 * the server and in the browser. Pure: no I/O. The lexer and parser internals stay private.
 */
export { FilterError, type FilterErrorCode, type FilterErrorData } from './filter-error.ts';
export {
  compileFilter,
  compileRunFilter,
  likeToRegExp,
  type RunNotes,
  runValue,
  type ValueAccessor,
} from './filter-evaluate.ts';
export { MAX_FILTER_LENGTH } from './filter-lexer.ts';
export {
  type Comparator,
  type FilterNode,
  type FilterOptions,
  type FilterParseResult,
  type Identifier,
  MAX_FILTER_DEPTH,
  parseFilter,
} from './filter-parser.ts';
export {
  type AttributeSpec,
  ENTITY_PREFIXES,
  EXPERIMENT_FILTER_SCHEMA,
  type FilterEntity,
  type FilterSchema,
  NOTED_RUN_FILTER_SCHEMA,
  RUN_FILTER_SCHEMA,
} from './filter-schema.ts';
export {
  compareBy,
  compareRuns,
  type OrderBy,
  type OrderByParseResult,
  parseOrderBy,
  parseOrderByList,
  sortRuns,
} from './order-by.ts';
export {
  compareNumbersNanLast,
  isLaterPoint,
  type LifecycleStage,
  latestMetrics,
  type MetricPoint,
  type MetricSummary,
  numberFromWire,
  RUN_STATUSES,
  type Run,
  type RunSource,
  type RunStatus,
  runFromWire,
  sameRun,
  summarizeMetrics,
} from './run.ts';
export {
  decodeRunBlock,
  encodeRunBlock,
  type MetricColumn,
  RUN_BLOCK_FORMAT,
  RUN_BLOCK_KEYS,
  type RunBlock,
  type RunBlockKeys,
  runBlockKeys,
  type TextColumn,
} from './run-block.ts';
export {
  isPackedRunBlock,
  joinPackedRunBlock,
  PACKED_RUN_BLOCK_FORMAT,
  type PackedRunBlock,
  packRunBlock,
  type SplitRunBlock,
  splitPackedRunBlock,
  unpackRunBlock,
} from './run-block-pack.ts';
export { filterRunBlock, orderRunBlock } from './run-block-query.ts';
export { shareEqualArrays } from './run-block-share.ts';
export {
  type KeyedRun,
  type KeyOrigin,
  type KeyOrigins,
  keyFiles,
  originalKey,
  splitSourcedKey,
  unifyRunKeys,
} from './run-keys.ts';
