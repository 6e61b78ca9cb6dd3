/**
 * What a filter may name: the entity prefixes (`metrics.`, `params.`, `tags.`, `attributes.`)
 * and, for attributes, which exist and whether they compare as numbers or strings. Runs and
 * experiments search with the same language over different schemas, as in MLflow.
 */

export type FilterEntity = 'metric' | 'param' | 'tag' | 'attribute';

export interface AttributeSpec {
  type: 'string' | 'number';
  /** The attribute this name stands for (`created` is `start_time`). */
  canonical: string;
}

export interface FilterSchema {
  entities: ReadonlySet<FilterEntity>;
  attributes: Readonly<Record<string, AttributeSpec>>;
  /** Attributes order_by accepts beyond those a filter accepts. */
  orderOnlyAttributes?: Readonly<Record<string, AttributeSpec>>;
}

/** Prefix spellings MLflow accepts, by entity. */
export const ENTITY_PREFIXES: Readonly<Record<string, FilterEntity>> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
};

const str = (canonical: string): AttributeSpec => ({ type: 'string', canonical });
const num = (canonical: string): AttributeSpec => ({ type: 'number', canonical });

/** Runs: MLflow's searchable run attributes (lifecycle_stage is the view type, not a filter). */
export const RUN_FILTER_SCHEMA: FilterSchema = {
  entities: new Set<FilterEntity>(['metric', 'param', 'tag', 'attribute']),
  attributes: {
    run_id: str('run_id'),
    run_name: str('run_name'),
    status: str('status'),
    artifact_uri: str('artifact_uri'),
    user_id: str('user_id'),
    start_time: num('start_time'),
    end_time: num('end_time'),
    created: num('start_time'),
    Created: num('start_time'),
  },
  orderOnlyAttributes: {
    experiment_id: str('experiment_id'),
    lifecycle_stage: str('lifecycle_stage'),
  },
};

/**
 * Runs with their notes, as the app's filter box searches them: MLflow's run attributes plus
 * `note`, the text of the run's live note (the app supplies it; a run without a note has ''). The
 * server's MLflow API keeps RUN_FILTER_SCHEMA: it holds no note text, so `note` is an unknown
 * attribute there rather than a filter that silently matches nothing.
 */
export const NOTED_RUN_FILTER_SCHEMA: FilterSchema = {
  ...RUN_FILTER_SCHEMA,
  attributes: { ...RUN_FILTER_SCHEMA.attributes, note: str('note') },
};

/** Experiments: MLflow's search_experiments identifiers. */
export const EXPERIMENT_FILTER_SCHEMA: FilterSchema = {
  entities: new Set<FilterEntity>(['tag', 'attribute']),
  attributes: {
    name: str('name'),
    experiment_id: str('experiment_id'),
    creation_time: num('creation_time'),
    last_update_time: num('last_update_time'),
  },
};
