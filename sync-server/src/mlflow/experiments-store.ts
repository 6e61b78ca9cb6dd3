import {
  compareBy,
  compileFilter,
  EXPERIMENT_FILTER_SCHEMA,
  type FilterEntity,
  type OrderBy,
  parseFilter,
  parseOrderByList,
} from '@cairn/core';
import type { SqlDatabase, SqlQueries } from '../db/sql.ts';
import { invalid, MlflowError, notFound } from './errors.ts';
import { filterFailure, orderByFailure } from './search-errors.ts';
import { joinTransaction } from './sql-helpers.ts';
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

export function makeExperimentStore(sql: SqlDatabase): ExperimentStore {
  return new ExperimentStore(sql, new Set<number>(), false);
}

/**
 * The store over `db`. `ensured` remembers repositories whose experiment "0" exists, shared by
 * the store and its copies inside transactions (`within`); a copy inside a transaction adds
 * nothing to it, since its writes may still roll back.
 */
export class ExperimentStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly ensured: Set<number>,
    private readonly inTransaction: boolean,
  ) {}

  /** A copy of this store whose statements run inside `tx` (a caller's open transaction). */
  within(tx: SqlQueries): ExperimentStore {
    return new ExperimentStore(joinTransaction(tx), this.ensured, true);
  }

  /** `work` in one transaction (or in the caller's, inside `within`), on a copy inside it. */
  private inTx<T>(work: (s: ExperimentStore) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(this.within(tx)));
  }

  /**
   * On PostgreSQL, makes the writers of one repository's experiment names and numbers take
   * turns (several server processes may share the database); SQLite has one writer already.
   */
  private async lockExperiments(repoId: number): Promise<void> {
    if (this.db.dialect === 'postgres')
      await this.db.run('SELECT pg_advisory_xact_lock(hashtext(?))', [`mlflow-experiments:${repoId}`]);
  }

  private byName(repoId: number, name: string): Promise<Row | undefined> {
    return this.db.get<Row>('SELECT * FROM mlflow_experiments WHERE repo_id = ? AND name = ?', [repoId, name]);
  }

  private setTagRow(repoId: number, id: number, key: string, value: string): Promise<unknown> {
    return this.db.run(
      `INSERT INTO mlflow_experiment_tags (repo_id, experiment_id, key, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (repo_id, experiment_id, key) DO UPDATE SET value = excluded.value`,
      [repoId, id, key, value],
    );
  }

  /** Creates experiment "0" (Default) of a repository if it is missing. */
  async ensureDefault(repoId: number): Promise<void> {
    if (this.ensured.has(repoId)) return;
    const now = Date.now();
    await this.db.run(
      `INSERT INTO mlflow_experiments (repo_id, experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
       VALUES (?, 0, 'Default', 'mlflow-artifacts:/0', 'active', ?, ?) ON CONFLICT DO NOTHING`,
      [repoId, now, now],
    );
    if (!this.inTransaction) this.ensured.add(repoId);
  }

  async create(
    repoId: number,
    name: string,
    artifactLocation: string | undefined,
    tags: Array<[string, string]>,
  ): Promise<number> {
    if (name.length > LIMITS.maxNameLength)
      throw invalid(`Experiment names may be at most ${LIMITS.maxNameLength} characters.`);
    return this.inTx(async (s) => {
      await s.lockExperiments(repoId);
      await s.ensureDefault(repoId);
      if (await s.byName(repoId, name)) {
        throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`);
      }
      const next = (await s.db.get<{ id: number }>(
        'SELECT COALESCE(MAX(experiment_id), 0) + 1 AS id FROM mlflow_experiments WHERE repo_id = ?',
        [repoId],
      )) as { id: number };
      const id = Number(next.id);
      const now = Date.now();
      await s.db.run(
        `INSERT INTO mlflow_experiments (repo_id, experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
         VALUES (?, ?, ?, ?, 'active', ?, ?)`,
        [repoId, id, name, artifactLocation || `mlflow-artifacts:/${id}`, now, now],
      );
      for (const [k, v] of tags) await s.setTagRow(repoId, id, k, v);
      return id;
    });
  }

  async get(repoId: number, id: number): Promise<ExperimentRecord> {
    await this.ensureDefault(repoId);
    const r = await this.db.get<Row>('SELECT * FROM mlflow_experiments WHERE repo_id = ? AND experiment_id = ?', [
      repoId,
      id,
    ]);
    if (!r) throw notFound(`No Experiment with id=${id} exists`);
    const tags = await this.db.all<{ key: string; value: string }>(
      'SELECT key, value FROM mlflow_experiment_tags WHERE repo_id = ? AND experiment_id = ? ORDER BY key',
      [repoId, id],
    );
    return toRecord(r, Object.fromEntries(tags.map((t) => [t.key, t.value])));
  }

  async getByName(repoId: number, name: string): Promise<ExperimentRecord> {
    await this.ensureDefault(repoId);
    const r = await this.byName(repoId, name);
    if (!r) throw notFound(`Could not find experiment with name '${name}'`);
    return this.get(repoId, r.experiment_id);
  }

  async list(repoId: number): Promise<ExperimentRecord[]> {
    await this.ensureDefault(repoId);
    const tags = new Map<number, Array<[string, string]>>();
    for (const t of await this.db.all<{ experiment_id: number; key: string; value: string }>(
      'SELECT experiment_id, key, value FROM mlflow_experiment_tags WHERE repo_id = ? ORDER BY experiment_id, key',
      [repoId],
    )) {
      const list = tags.get(t.experiment_id) ?? [];
      list.push([t.key, t.value]);
      tags.set(t.experiment_id, list);
    }
    const rows = await this.db.all<Row>('SELECT * FROM mlflow_experiments WHERE repo_id = ? ORDER BY experiment_id', [
      repoId,
    ]);
    return rows.map((r) => toRecord(r, Object.fromEntries(tags.get(r.experiment_id) ?? [])));
  }

  /** MLflow's search_experiments: filter over name, tags and times; default newest first. */
  async search(
    repoId: number,
    q: { view: ViewType; filter: string; orderBy: string[]; maxResults: number; offset: number },
  ): Promise<{ experiments: ExperimentRecord[]; nextOffset: number | null }> {
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
    const sorted = (await this.list(repoId))
      .filter((e) => stageMatches(q.view, e.lifecycleStage) && keep(e))
      .sort(compareBy(clauses, experimentValue));
    const page = sorted.slice(q.offset, q.offset + q.maxResults);
    const nextOffset = q.offset + q.maxResults < sorted.length ? q.offset + q.maxResults : null;
    return { experiments: page, nextOffset };
  }

  rename(repoId: number, id: number, newName: string): Promise<void> {
    return this.inTx(async (s) => {
      await s.lockExperiments(repoId);
      const e = await s.get(repoId, id);
      if (e.lifecycleStage !== 'active')
        throw invalid(`Cannot rename a non-active experiment. Experiment ${id} is deleted.`);
      const clash = await s.byName(repoId, newName);
      if (clash && clash.experiment_id !== id) {
        throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment '${newName}' already exists.`);
      }
      await s.db.run(
        'UPDATE mlflow_experiments SET name = ?, last_update_time = ? WHERE repo_id = ? AND experiment_id = ?',
        [newName, Date.now(), repoId, id],
      );
    });
  }

  async setStage(repoId: number, id: number, stage: 'active' | 'deleted'): Promise<void> {
    await this.get(repoId, id);
    await this.db.run(
      'UPDATE mlflow_experiments SET lifecycle_stage = ?, last_update_time = ? WHERE repo_id = ? AND experiment_id = ?',
      [stage, Date.now(), repoId, id],
    );
  }

  setTag(repoId: number, id: number, key: string, value: string): Promise<void> {
    return this.inTx(async (s) => {
      const e = await s.get(repoId, id);
      if (e.lifecycleStage !== 'active') throw invalid(`The experiment ${id} must be in the 'active' state.`);
      await s.setTagRow(repoId, id, key, value);
      await s.db.run('UPDATE mlflow_experiments SET last_update_time = ? WHERE repo_id = ? AND experiment_id = ?', [
        Date.now(),
        repoId,
        id,
      ]);
    });
  }
}

function toRecord(r: Row, tags: Record<string, string>): ExperimentRecord {
  return {
    id: r.experiment_id,
    name: r.name,
    artifactLocation: r.artifact_location,
    lifecycleStage: r.lifecycle_stage,
    creationTime: r.creation_time,
    lastUpdateTime: r.last_update_time,
    tags,
  };
}

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
