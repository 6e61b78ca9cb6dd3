import {
  compareBy,
  compileFilter,
  EXPERIMENT_FILTER_SCHEMA,
  type FilterEntity,
  type OrderBy,
  parseFilter,
  parseOrderByList,
} from '@cairn/core';
import type { Db } from '../db/database.ts';
import { invalid, MlflowError, notFound } from './errors.ts';
import { filterFailure, orderByFailure } from './search-errors.ts';
import { LIMITS, stageMatches, type ViewType } from './validate.ts';

/**
 * Experiments of each repository's MLflow namespace. Experiment "0" ("Default") exists in
 * every repository from its first MLflow request, as on an MLflow server.
 */

export interface ExperimentRecord {
  id: number;
  name: string;
  artifactLocation: string;
  lifecycleStage: 'active' | 'deleted';
  creationTime: number;
  lastUpdateTime: number;
  tags: Record<string, string>;
}

interface Row {
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time: number;
  last_update_time: number;
}

export function makeExperimentStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO mlflow_experiments (repo_id, experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
     VALUES (?, ?, ?, ?, 'active', ?, ?)`,
  );
  const byId = db.prepare('SELECT * FROM mlflow_experiments WHERE repo_id = ? AND experiment_id = ?');
  const byName = db.prepare('SELECT * FROM mlflow_experiments WHERE repo_id = ? AND name = ?');
  const all = db.prepare('SELECT * FROM mlflow_experiments WHERE repo_id = ?');
  const tagsOf = db.prepare('SELECT key, value FROM mlflow_experiment_tags WHERE repo_id = ? AND experiment_id = ?');
  const allTags = db.prepare('SELECT experiment_id, key, value FROM mlflow_experiment_tags WHERE repo_id = ?');
  const setTagStmt = db.prepare(
    `INSERT INTO mlflow_experiment_tags (repo_id, experiment_id, key, value) VALUES (?, ?, ?, ?)
     ON CONFLICT (repo_id, experiment_id, key) DO UPDATE SET value = excluded.value`,
  );
  const touch = db.prepare(
    'UPDATE mlflow_experiments SET last_update_time = ? WHERE repo_id = ? AND experiment_id = ?',
  );
  const ensured = new Set<number>();

  const toRecord = (r: Row, tags: Record<string, string>): ExperimentRecord => ({
    id: r.experiment_id,
    name: r.name,
    artifactLocation: r.artifact_location,
    lifecycleStage: r.lifecycle_stage,
    creationTime: r.creation_time,
    lastUpdateTime: r.last_update_time,
    tags,
  });

  const store = {
    /** Creates experiment "0" (Default) of a repository if it is missing. */
    ensureDefault(repoId: number): void {
      if (ensured.has(repoId)) return;
      const now = Date.now();
      db.prepare(
        `INSERT OR IGNORE INTO mlflow_experiments (repo_id, experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
         VALUES (?, 0, 'Default', 'mlflow-artifacts:/0', 'active', ?, ?)`,
      ).run(repoId, now, now);
      ensured.add(repoId);
    },

    create(repoId: number, name: string, artifactLocation: string | undefined, tags: Array<[string, string]>): number {
      if (name.length > LIMITS.maxNameLength)
        throw invalid(`Experiment names may be at most ${LIMITS.maxNameLength} characters.`);
      return db.transaction(() => {
        store.ensureDefault(repoId);
        if (byName.get(repoId, name)) {
          throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`);
        }
        const next = db
          .prepare('SELECT COALESCE(MAX(experiment_id), 0) + 1 AS id FROM mlflow_experiments WHERE repo_id = ?')
          .get(repoId) as { id: number };
        const now = Date.now();
        insert.run(repoId, next.id, name, artifactLocation || `mlflow-artifacts:/${next.id}`, now, now);
        for (const [k, v] of tags) setTagStmt.run(repoId, next.id, k, v);
        return next.id;
      })();
    },

    get(repoId: number, id: number): ExperimentRecord {
      store.ensureDefault(repoId);
      const r = byId.get(repoId, id) as Row | undefined;
      if (!r) throw notFound(`No Experiment with id=${id} exists`);
      const tags = Object.fromEntries(
        (tagsOf.all(repoId, id) as Array<{ key: string; value: string }>).map((t) => [t.key, t.value]),
      );
      return toRecord(r, tags);
    },

    getByName(repoId: number, name: string): ExperimentRecord {
      store.ensureDefault(repoId);
      const r = byName.get(repoId, name) as Row | undefined;
      if (!r) throw notFound(`Could not find experiment with name '${name}'`);
      return store.get(repoId, r.experiment_id);
    },

    list(repoId: number): ExperimentRecord[] {
      store.ensureDefault(repoId);
      const tags = new Map<number, Array<[string, string]>>();
      for (const t of allTags.all(repoId) as Array<{ experiment_id: number; key: string; value: string }>) {
        const list = tags.get(t.experiment_id) ?? [];
        list.push([t.key, t.value]);
        tags.set(t.experiment_id, list);
      }
      return (all.all(repoId) as Row[]).map((r) => toRecord(r, Object.fromEntries(tags.get(r.experiment_id) ?? [])));
    },

    /** MLflow's search_experiments: filter over name, tags and times; default newest first. */
    search(
      repoId: number,
      q: { view: ViewType; filter: string; orderBy: string[]; maxResults: number; offset: number },
    ): { experiments: ExperimentRecord[]; nextOffset: number | null } {
      const parsed = parseFilter(q.filter, EXPERIMENT_FILTER_SCHEMA);
      if (!parsed.ok) throw filterFailure(q.filter, parsed.error);
      const order = parseOrderByList(q.orderBy, EXPERIMENT_FILTER_SCHEMA);
      if (!order.ok) throw orderByFailure(q.orderBy[order.index] ?? '', order.error);
      const keep = compileFilter(parsed.value, experimentValue);
      const clauses: OrderBy[] = [...order.value];
      if (clauses.length === 0) {
        clauses.push({
          id: { entity: 'attribute', key: 'creation_time', type: 'number', offset: 0, end: 0 },
          ascending: false,
        });
      }
      clauses.push({
        id: { entity: 'attribute', key: 'experiment_id', type: 'number', offset: 0, end: 0 },
        ascending: true,
      });
      const sorted = store
        .list(repoId)
        .filter((e) => stageMatches(q.view, e.lifecycleStage) && keep(e))
        .sort(compareBy(clauses, experimentValue));
      const page = sorted.slice(q.offset, q.offset + q.maxResults);
      const nextOffset = q.offset + q.maxResults < sorted.length ? q.offset + q.maxResults : null;
      return { experiments: page, nextOffset };
    },

    rename(repoId: number, id: number, newName: string): void {
      db.transaction(() => {
        const e = store.get(repoId, id);
        if (e.lifecycleStage !== 'active')
          throw invalid(`Cannot rename a non-active experiment. Experiment ${id} is deleted.`);
        const clash = byName.get(repoId, newName) as Row | undefined;
        if (clash && clash.experiment_id !== id) {
          throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment '${newName}' already exists.`);
        }
        db.prepare(
          'UPDATE mlflow_experiments SET name = ?, last_update_time = ? WHERE repo_id = ? AND experiment_id = ?',
        ).run(newName, Date.now(), repoId, id);
      })();
    },

    setStage(repoId: number, id: number, stage: 'active' | 'deleted'): void {
      store.get(repoId, id);
      db.prepare(
        'UPDATE mlflow_experiments SET lifecycle_stage = ?, last_update_time = ? WHERE repo_id = ? AND experiment_id = ?',
      ).run(stage, Date.now(), repoId, id);
    },

    setTag(repoId: number, id: number, key: string, value: string): void {
      db.transaction(() => {
        const e = store.get(repoId, id);
        if (e.lifecycleStage !== 'active') throw invalid(`The experiment ${id} must be in the 'active' state.`);
        setTagStmt.run(repoId, id, key, value);
        touch.run(Date.now(), repoId, id);
      })();
    },
  };
  return store;
}

export type ExperimentStore = ReturnType<typeof makeExperimentStore>;

function experimentValue(e: ExperimentRecord, entity: FilterEntity, key: string): string | number | undefined {
  if (entity === 'tag') return Object.hasOwn(e.tags, key) ? e.tags[key] : undefined;
  if (entity !== 'attribute') return undefined;
  switch (key) {
    case 'name':
      return e.name;
    case 'experiment_id':
      return e.id;
    case 'creation_time':
      return e.creationTime;
    case 'last_update_time':
      return e.lastUpdateTime;
    default:
      return undefined;
  }
}
