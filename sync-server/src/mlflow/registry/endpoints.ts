import { invalid, notFound } from '../errors.ts';
import type { RunStore } from '../runs-store.ts';
import {
  decodePageToken,
  encodePageToken,
  type Input,
  listOf,
  maxResultsOf,
  optionalString,
  requiredString,
  validateKey,
  validateValue,
} from '../validate.ts';
import {
  type ModelVersionRecord,
  type RegisteredModelRecord,
  type RegistryStore,
  STAGES,
  type Stage,
  stageOf,
  validateAlias,
  validateModelName,
} from './store.ts';

/**
 * The Model Registry's REST endpoints (`/api/2.0/mlflow/registered-models/…` and
 * `/model-versions/…`), with the HTTP methods MLflow's Python client uses for each
 * (mlflow/protos/model_registry.proto): PATCH for updates, DELETE (JSON body) for deletions, and
 * `registered-models/alias` answering GET (resolve), POST (set) and DELETE. A version's `source`
 * is a `runs:/RUN_ID/PATH`, `mlflow-artifacts:/…` or `models:/NAME/VERSION|@ALIAS` URI; its
 * download URI is always the `mlflow-artifacts:/…` location of the files, so a client resolving
 * `models:/NAME/VERSION` or `models:/NAME@ALIAS` downloads through the artifact endpoints.
 */

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RegistryEndpoint {
  methods: ReadonlyArray<Method>;
  need: (method: Method) => 'read' | 'write';
  handle(repoId: number, input: Input, method: Method): Promise<unknown>;
}

const kv = (m: Record<string, string>) => Object.entries(m).map(([key, value]) => ({ key, value }));

export function modelVersionJson(v: ModelVersionRecord) {
  return {
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.creationTime,
    last_updated_timestamp: v.lastUpdatedTime,
    user_id: v.userId,
    current_stage: v.currentStage,
    description: v.description,
    source: v.source,
    ...(v.runId ? { run_id: v.runId } : {}),
    ...(v.runLink ? { run_link: v.runLink } : {}),
    status: 'READY',
    tags: kv(v.tags),
    aliases: v.aliases,
  };
}

export function registeredModelJson(m: RegisteredModelRecord) {
  return {
    name: m.name,
    creation_timestamp: m.creationTime,
    last_updated_timestamp: m.lastUpdatedTime,
    description: m.description,
    latest_versions: m.latestVersions.map(modelVersionJson),
    tags: kv(m.tags),
    aliases: m.aliases.map((a) => ({ alias: a.alias, version: String(a.version) })),
  };
}

function versionOf(input: Input): number {
  const raw = Array.isArray(input.version) ? input.version[0] : input.version;
  if (raw === undefined || raw === null || raw === '') throw invalid("Missing value for required parameter 'version'.");
  const s = String(raw);
  if (!/^\d{1,9}$/.test(s) || Number(s) < 1)
    throw invalid(`Model version must be a positive integer, got ${JSON.stringify(raw)}.`);
  return Number(s);
}

function tagsOf(input: Input): Array<[string, string]> {
  return listOf(input, 'tags').map((t) => {
    const tag = (t ?? {}) as Input;
    const key = validateKey('tag', tag.key);
    return [key, validateValue('tag', key, tag.value)];
  });
}

function boolOf(v: unknown): boolean {
  const x = Array.isArray(v) ? v[0] : v;
  return x === true || x === 'true' || x === 'True' || x === 1 || x === '1';
}

const SAFE_PATH = (p: string) => p.split('/').every((s) => s !== '..' && s !== '.');

export function makeRegistryEndpoints(registry: RegistryStore, runs: RunStore): Record<string, RegistryEndpoint> {
  const one = (method: Method, need: 'read' | 'write', handle: RegistryEndpoint['handle']): RegistryEndpoint => ({
    methods: [method],
    need: () => need,
    handle,
  });
  const name = (input: Input) => validateModelName(requiredString(input, 'name'));

  /** Where a version's files are: an `mlflow-artifacts:/…` URI, checked against the stores. */
  async function storageOf(repoId: number, source: string, runId: string): Promise<string> {
    const runs_ = /^runs:\/([^/]+)(?:\/(.*))?$/.exec(source);
    if (runs_) {
      const id = runs_[1]!;
      const sub = (runs_[2] ?? '').replace(/^\/+|\/+$/g, '');
      if (!SAFE_PATH(sub))
        throw invalid(`Invalid model version source ${JSON.stringify(source)}: '..' is not allowed.`);
      if (runId && runId !== id) throw invalid(`The source ${source} belongs to run ${id}, but run_id is ${runId}.`);
      const run = await runs.get(repoId, id);
      return sub ? `${run.artifactUri.replace(/\/+$/, '')}/${sub}` : run.artifactUri;
    }
    if (/^mlflow-artifacts:\//.test(source)) {
      if (!SAFE_PATH(source.replace(/^mlflow-artifacts:\/+/, '')))
        throw invalid(`Invalid model version source ${JSON.stringify(source)}: '..' is not allowed.`);
      return source;
    }
    const models = /^models:\/([^/@]+)(?:\/(\d+)|@([\w-]+))\/?$/.exec(source);
    if (models) {
      const v = models[2]
        ? await registry.getVersion(repoId, models[1]!, Number(models[2]))
        : await registry.versionByAlias(repoId, models[1]!, models[3]!);
      return v.storageLocation;
    }
    throw invalid(
      `Invalid model version source ${JSON.stringify(source.slice(0, 200))}: use runs:/RUN_ID/PATH, mlflow-artifacts:/PATH or models:/NAME/VERSION (local paths are not served by this server).`,
    );
  }

  const search = async <T>(
    input: Input,
    fallbackMax: number,
    run: (q: { filter: string; orderBy: string[]; maxResults: number; offset: number }) => Promise<{
      items: T[];
      nextOffset: number | null;
    }>,
  ) => {
    const page = await run({
      filter: optionalString(input, 'filter') ?? '',
      orderBy: listOf(input, 'order_by').map(String),
      maxResults: maxResultsOf(input, fallbackMax),
      offset: decodePageToken(input),
    });
    return { items: page.items, token: page.nextOffset !== null ? encodePageToken(page.nextOffset) : undefined };
  };

  const stagesOf = (input: Input): Stage[] => listOf(input, 'stages').map(stageOf);

  const latest = async (repoId: number, input: Input) => ({
    model_versions: (await registry.latestVersions(repoId, name(input), stagesOf(input))).map(modelVersionJson),
  });

  return {
    'registered-models/create': one('POST', 'write', async (repoId, input) => ({
      registered_model: registeredModelJson(
        await registry.createModel(repoId, name(input), optionalString(input, 'description') ?? '', tagsOf(input)),
      ),
    })),
    'registered-models/get': one('GET', 'read', async (repoId, input) => ({
      registered_model: registeredModelJson(await registry.getModel(repoId, name(input))),
    })),
    'registered-models/search': {
      methods: ['GET', 'POST'],
      need: () => 'read',
      handle: async (repoId, input) => {
        const r = await search(input, 100, (q) => registry.searchModels(repoId, q));
        return {
          registered_models: r.items.map(registeredModelJson),
          ...(r.token ? { next_page_token: r.token } : {}),
        };
      },
    },
    // Removed from MLflow 2's server (search replaced it); old clients still call it.
    'registered-models/list': one('GET', 'read', async (repoId, input) => {
      const r = await search(input, 100, (q) => registry.searchModels(repoId, { ...q, filter: '' }));
      return { registered_models: r.items.map(registeredModelJson), ...(r.token ? { next_page_token: r.token } : {}) };
    }),
    'registered-models/update': {
      methods: ['PATCH', 'POST'],
      need: () => 'write',
      handle: async (repoId, input) => ({
        registered_model: registeredModelJson(
          await registry.updateModel(repoId, name(input), optionalString(input, 'description')),
        ),
      }),
    },
    'registered-models/rename': one('POST', 'write', async (repoId, input) => ({
      registered_model: registeredModelJson(
        await registry.renameModel(repoId, name(input), requiredString(input, 'new_name')),
      ),
    })),
    'registered-models/delete': one('DELETE', 'write', async (repoId, input) => {
      await registry.deleteModel(repoId, name(input));
      return {};
    }),
    'registered-models/set-tag': one('POST', 'write', async (repoId, input) => {
      const key = validateKey('tag', input.key);
      await registry.setModelTag(repoId, name(input), key, validateValue('tag', key, input.value));
      return {};
    }),
    'registered-models/delete-tag': one('DELETE', 'write', async (repoId, input) => {
      await registry.deleteModelTag(repoId, name(input), requiredString(input, 'key'));
      return {};
    }),
    'registered-models/get-latest-versions': {
      methods: ['POST', 'GET'],
      need: () => 'read',
      handle: latest,
    },
    'registered-models/alias': {
      methods: ['GET', 'POST', 'DELETE'],
      need: (m) => (m === 'GET' ? 'read' : 'write'),
      handle: async (repoId, input, method) => {
        const model = name(input);
        const alias = validateAlias(requiredString(input, 'alias'));
        if (method === 'GET')
          return { model_version: modelVersionJson(await registry.versionByAlias(repoId, model, alias)) };
        if (method === 'POST') await registry.setAlias(repoId, model, alias, versionOf(input));
        else await registry.deleteAlias(repoId, model, alias);
        return {};
      },
    },
    'model-versions/create': one('POST', 'write', async (repoId, input) => {
      const model = name(input);
      const source = requiredString(input, 'source');
      const runId = optionalString(input, 'run_id') ?? '';
      if (runId && !(await runs.exists(repoId, runId))) throw notFound(`Run with id=${runId} not found`);
      await registry.getModel(repoId, model);
      const storageLocation = await storageOf(repoId, source, runId);
      const runOfSource = /^runs:\/([^/]+)/.exec(source)?.[1] ?? '';
      const version = await registry.createVersion(repoId, model, {
        source,
        storageLocation,
        runId: runId || runOfSource,
        runLink: optionalString(input, 'run_link') ?? '',
        description: optionalString(input, 'description') ?? '',
        userId: optionalString(input, 'user_id') ?? '',
        tags: tagsOf(input),
      });
      return { model_version: modelVersionJson(version) };
    }),
    'model-versions/get': one('GET', 'read', async (repoId, input) => ({
      model_version: modelVersionJson(await registry.getVersion(repoId, name(input), versionOf(input))),
    })),
    'model-versions/search': {
      methods: ['GET', 'POST'],
      need: () => 'read',
      handle: async (repoId, input) => {
        const r = await search(input, 10000, (q) => registry.searchVersions(repoId, q));
        return { model_versions: r.items.map(modelVersionJson), ...(r.token ? { next_page_token: r.token } : {}) };
      },
    },
    'model-versions/update': {
      methods: ['PATCH', 'POST'],
      need: () => 'write',
      handle: async (repoId, input) => ({
        model_version: modelVersionJson(
          await registry.updateVersion(repoId, name(input), versionOf(input), optionalString(input, 'description')),
        ),
      }),
    },
    'model-versions/delete': one('DELETE', 'write', async (repoId, input) => {
      await registry.deleteVersion(repoId, name(input), versionOf(input));
      return {};
    }),
    'model-versions/get-download-uri': one('GET', 'read', async (repoId, input) => ({
      artifact_uri: (await registry.getVersion(repoId, name(input), versionOf(input))).storageLocation,
    })),
    'model-versions/transition-stage': one('POST', 'write', async (repoId, input) => {
      const stage = stageOf(requiredString(input, 'stage'));
      if (!STAGES.includes(stage)) throw invalid(`Invalid stage ${stage}.`);
      return {
        model_version: modelVersionJson(
          await registry.transitionStage(
            repoId,
            name(input),
            versionOf(input),
            stage,
            boolOf(input.archive_existing_versions),
          ),
        ),
      };
    }),
    'model-versions/set-tag': one('POST', 'write', async (repoId, input) => {
      const key = validateKey('tag', input.key);
      await registry.setVersionTag(repoId, name(input), versionOf(input), key, validateValue('tag', key, input.value));
      return {};
    }),
    'model-versions/delete-tag': one('DELETE', 'write', async (repoId, input) => {
      await registry.deleteVersionTag(repoId, name(input), versionOf(input), requiredString(input, 'key'));
      return {};
    }),
  };
}
