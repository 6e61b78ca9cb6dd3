import { type MetricPoint, parseFilter, parseOrderByList, RUN_STATUSES, type RunStatus } from '@cairn/core';
import { invalid } from './errors.ts';
import type { ExperimentStore } from './experiments-store.ts';
import type { RunStore } from './runs-store.ts';
import { filterFailure, orderByFailure } from './search-errors.ts';
import {
  decodePageToken,
  encodePageToken,
  experimentIdOf,
  type Input,
  LIMITS,
  listOf,
  maxResultsOf,
  optionalInt,
  optionalString,
  requiredDouble,
  requiredString,
  runIdOf,
  validateKey,
  validateValue,
  viewTypeOf,
} from './validate.ts';
import { experimentJson, metricJson, runInfoJson, runJson } from './wire.ts';

/**
 * The MLflow REST endpoints (`/api/2.0/mlflow/<name>`): what each accepts, which access it
 * needs, and the body it answers. Every success is a JSON object (`{}` at least), because
 * clients parse every 200 as JSON.
 */

export interface Endpoint {
  methods: ReadonlyArray<'GET' | 'POST'>;
  need: 'read' | 'write';
  handle(repoId: number, input: Input): Promise<unknown>;
}

export function makeEndpoints(experiments: ExperimentStore, runs: RunStore): Record<string, Endpoint> {
  const read = (handle: Endpoint['handle'], methods: Endpoint['methods'] = ['GET']): Endpoint => ({
    methods,
    need: 'read',
    handle,
  });
  const write = (handle: Endpoint['handle']): Endpoint => ({ methods: ['POST'], need: 'write', handle });

  const experimentTags = (input: Input): Array<[string, string]> =>
    listOf(input, 'tags').map((t) => {
      const tag = (t ?? {}) as Input;
      const key = validateKey('tag', tag.key);
      return [key, validateValue('experiment tag', key, tag.value)];
    });

  const searchExperiments = async (repoId: number, input: Input) => {
    const offset = decodePageToken(input);
    const { experiments: page, nextOffset } = await experiments.search(repoId, {
      view: viewTypeOf(input, 'view_type'),
      filter: optionalString(input, 'filter') ?? '',
      orderBy: listOf(input, 'order_by').map(String),
      maxResults: maxResultsOf(input),
      offset,
    });
    return {
      experiments: page.map(experimentJson),
      ...(nextOffset !== null ? { next_page_token: encodePageToken(nextOffset) } : {}),
    };
  };

  return {
    'experiments/create': write(async (repoId, input) => {
      const name = requiredString(input, 'name');
      const id = await experiments.create(
        repoId,
        name,
        optionalString(input, 'artifact_location'),
        experimentTags(input),
      );
      return { experiment_id: String(id) };
    }),
    'experiments/get': read(async (repoId, input) => ({
      experiment: experimentJson(await experiments.get(repoId, experimentIdOf(input))),
    })),
    'experiments/get-by-name': read(async (repoId, input) => ({
      experiment: experimentJson(await experiments.getByName(repoId, requiredString(input, 'experiment_name'))),
    })),
    'experiments/search': read(searchExperiments, ['GET', 'POST']),
    // Removed from MLflow 2's server, still called by old clients (the npm `mlflow` package).
    'experiments/list': read(async (repoId, input) => {
      const { experiments: list } = await experiments.search(repoId, {
        view: viewTypeOf(input, 'view_type'),
        filter: '',
        orderBy: ['experiment_id ASC'],
        maxResults: LIMITS.searchMaxResults,
        offset: 0,
      });
      return { experiments: list.map(experimentJson) };
    }),
    'experiments/update': write(async (repoId, input) => {
      await experiments.rename(repoId, experimentIdOf(input), requiredString(input, 'new_name'));
      return {};
    }),
    'experiments/delete': write(async (repoId, input) => {
      const id = experimentIdOf(input);
      await experiments.setStage(repoId, id, 'deleted');
      await runs.setExperimentRunsStage(repoId, id, 'deleted');
      return {};
    }),
    'experiments/restore': write(async (repoId, input) => {
      const id = experimentIdOf(input);
      await experiments.setStage(repoId, id, 'active');
      await runs.setExperimentRunsStage(repoId, id, 'active');
      return {};
    }),
    'experiments/set-experiment-tag': write(async (repoId, input) => {
      const key = validateKey('tag', input.key);
      await experiments.setTag(repoId, experimentIdOf(input), key, validateValue('experiment tag', key, input.value));
      return {};
    }),

    'runs/create': write(async (repoId, input) => {
      const tags = listOf(input, 'tags').map((t): [string, string] => {
        const tag = (t ?? {}) as Input;
        const key = validateKey('tag', tag.key);
        return [key, validateValue('tag', key, tag.value)];
      });
      const exp = input.experiment_id === undefined || input.experiment_id === '' ? 0 : experimentIdOf(input);
      const run = await runs.create(repoId, {
        experimentId: exp,
        userId: optionalString(input, 'user_id') ?? '',
        runName: optionalString(input, 'run_name'),
        startTime: optionalInt(input, 'start_time') ?? Date.now(),
        tags,
      });
      return { run: runJson(run) };
    }),
    'runs/get': read(async (repoId, input) => ({ run: runJson(await runs.get(repoId, runIdOf(input))) })),
    'runs/update': write(async (repoId, input) => {
      const status = optionalString(input, 'status');
      if (status !== undefined && !RUN_STATUSES.includes(status as RunStatus)) {
        throw invalid(`Invalid run status ${JSON.stringify(status)}: expected one of ${RUN_STATUSES.join(', ')}.`);
      }
      const run = await runs.update(repoId, runIdOf(input), {
        ...(status !== undefined ? { status: status as RunStatus } : {}),
        ...(optionalInt(input, 'end_time') !== undefined ? { endTime: optionalInt(input, 'end_time')! } : {}),
        ...(optionalString(input, 'run_name') ? { runName: optionalString(input, 'run_name')! } : {}),
      });
      return { run_info: runInfoJson(run) };
    }),
    'runs/delete': write(async (repoId, input) => {
      await runs.setStage(repoId, runIdOf(input), 'deleted');
      return {};
    }),
    'runs/restore': write(async (repoId, input) => {
      await runs.setStage(repoId, runIdOf(input), 'active');
      return {};
    }),
    'runs/log-metric': write(async (repoId, input) => {
      await runs.logBatch(repoId, runIdOf(input), { metrics: [metricOf(input)], params: [], tags: [] });
      return {};
    }),
    'runs/log-parameter': write(async (repoId, input) => {
      const key = validateKey('param', input.key);
      await runs.logBatch(repoId, runIdOf(input), {
        metrics: [],
        params: [[key, validateValue('param', key, input.value)]],
        tags: [],
      });
      return {};
    }),
    'runs/set-tag': write(async (repoId, input) => {
      const key = validateKey('tag', input.key);
      await runs.logBatch(repoId, runIdOf(input), {
        metrics: [],
        params: [],
        tags: [[key, validateValue('tag', key, input.value)]],
      });
      return {};
    }),
    'runs/delete-tag': write(async (repoId, input) => {
      await runs.deleteTag(repoId, runIdOf(input), requiredString(input, 'key'));
      return {};
    }),
    'runs/log-batch': write(async (repoId, input) => {
      const runId = runIdOf(input);
      const metrics = listOf(input, 'metrics');
      const params = listOf(input, 'params');
      const tags = listOf(input, 'tags');
      if (metrics.length > LIMITS.maxMetricsPerBatch) {
        throw invalid(
          `A batch logging request can contain at most ${LIMITS.maxMetricsPerBatch} metrics. Got ${metrics.length} metrics.`,
        );
      }
      if (params.length > LIMITS.maxParamsTagsPerBatch) {
        throw invalid(
          `A batch logging request can contain at most ${LIMITS.maxParamsTagsPerBatch} params. Got ${params.length} params.`,
        );
      }
      if (tags.length > LIMITS.maxParamsTagsPerBatch) {
        throw invalid(
          `A batch logging request can contain at most ${LIMITS.maxParamsTagsPerBatch} tags. Got ${tags.length} tags.`,
        );
      }
      const total = metrics.length + params.length + tags.length;
      if (total > LIMITS.maxEntitiesPerBatch) {
        throw invalid(
          `A batch logging request can contain at most ${LIMITS.maxEntitiesPerBatch} metrics, params and tags in total. Got ${total}.`,
        );
      }
      const paramPairs = params.map((p): [string, string] => {
        const o = (p ?? {}) as Input;
        const key = validateKey('param', o.key);
        return [key, validateValue('param', key, o.value)];
      });
      // MLflow refuses a key given twice in one batch, even with the same value.
      const seen = new Set<string>();
      const dupes = paramPairs.filter(([key]) => seen.has(key) || !seen.add(key)).map(([key]) => key);
      if (dupes.length > 0) {
        throw invalid(
          `Duplicate parameter keys have been submitted: ${JSON.stringify(dupes)}. Please ensure the request contains only one param value per param key.`,
        );
      }
      await runs.logBatch(repoId, runId, {
        metrics: metrics.map((m) => metricOf((m ?? {}) as Input)),
        params: paramPairs,
        tags: tags.map((t) => {
          const o = (t ?? {}) as Input;
          const key = validateKey('tag', o.key);
          return [key, validateValue('tag', key, o.value)];
        }),
      });
      return {};
    }),
    'runs/search': read(
      async (repoId, input) => {
        const filterText = optionalString(input, 'filter') ?? '';
        const parsed = parseFilter(filterText);
        if (!parsed.ok) throw filterFailure(filterText, parsed.error);
        const clauses = listOf(input, 'order_by');
        const order = parseOrderByList(clauses.map(String));
        if (!order.ok) throw orderByFailure(String(clauses[order.index] ?? ''), order.error);
        const offset = decodePageToken(input);
        const { runs: page, nextOffset } = await runs.search(repoId, {
          experimentIds: listOf(input, 'experiment_ids').map((id) => experimentIdOf({ id }, 'id')),
          view: viewTypeOf(input, 'run_view_type'),
          filter: parsed.value,
          orderBy: order.value,
          maxResults: maxResultsOf(input),
          offset,
        });
        return {
          runs: page.map(runJson),
          ...(nextOffset !== null ? { next_page_token: encodePageToken(nextOffset) } : {}),
        };
      },
      ['GET', 'POST'],
    ),
    'metrics/get-history': read(async (repoId, input) => {
      const runId = runIdOf(input);
      const key = requiredString(input, 'metric_key');
      const limit = input.max_results === undefined ? null : maxResultsOf(input, 25000);
      const offset = decodePageToken(input);
      const points = await runs.history(repoId, runId, key, offset, limit === null ? null : limit + 1);
      const more = limit !== null && points.length > limit;
      return {
        metrics: (more ? points.slice(0, limit!) : points).map(metricJson),
        ...(more ? { next_page_token: encodePageToken(offset + limit!) } : {}),
      };
    }),
  };
}

function metricOf(input: Input): MetricPoint {
  const key = validateKey('metric', input.key);
  const value = requiredDouble(input, 'value');
  const timestamp = optionalInt(input, 'timestamp');
  if (timestamp === undefined) throw invalid(`Missing value for required parameter 'timestamp' of metric '${key}'.`);
  return { key, value, timestamp, step: optionalInt(input, 'step') ?? 0 };
}
