import type { SqlDatabase, SqlQueries } from '../../db/sql.ts';
import { invalid, MlflowError, notFound } from '../errors.ts';
import { type Clause, clauseHolds, parseRegistryFilter } from './filter.ts';
import { migrateRegistry } from './schema.ts';

/**
 * Each repository's MLflow Model Registry (SQLite or PostgreSQL, db/sql.ts): registered models (description, tags,
 * aliases) and their numbered versions (source, run, stage, tags). Every write is one
 * transaction. Names follow MLflow's rules plus what `models:/NAME@ALIAS` and
 * `models:/NAME/VERSION` need to stay unambiguous (no `/` or `@` in a name).
 */

export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof STAGES)[number];

export interface ModelVersionRecord {
  name: string;
  version: number;
  creationTime: number;
  lastUpdatedTime: number;
  description: string;
  userId: string;
  currentStage: Stage;
  source: string;
  storageLocation: string;
  runId: string;
  runLink: string;
  tags: Record<string, string>;
  aliases: string[];
}

export interface RegisteredModelRecord {
  name: string;
  description: string;
  creationTime: number;
  lastUpdatedTime: number;
  tags: Record<string, string>;
  aliases: Array<{ alias: string; version: number }>;
  /** The newest version in each stage, as MLflow's `latest_versions`. */
  latestVersions: ModelVersionRecord[];
}

interface ModelRow {
  name: string;
  description: string;
  creation_time: number;
  last_updated_time: number;
  next_version: number;
}
interface VersionRow {
  name: string;
  version: number;
  creation_time: number;
  last_updated_time: number;
  description: string;
  user_id: string;
  current_stage: string;
  source: string;
  storage_location: string;
  run_id: string;
  run_link: string;
}

export interface Page<T> {
  items: T[];
  nextOffset: number | null;
}

export interface NewVersion {
  source: string;
  storageLocation: string;
  runId: string;
  runLink: string;
  description: string;
  userId: string;
  tags: Array<[string, string]>;
}

const MAX_NAME = 256;

export function validateModelName(name: unknown, field = 'name'): string {
  if (typeof name !== 'string' || name.trim() === '')
    throw invalid(`Missing value for required parameter '${field}'. Registered model name cannot be empty.`);
  if (name.length > MAX_NAME) throw invalid(`Registered model names may be at most ${MAX_NAME} characters.`);
  if (/[/@\\]/.test(name) || /\p{Cc}/u.test(name))
    throw invalid(
      `Invalid registered model name ${JSON.stringify(name)}: '/', '@', '\\' and control characters are not allowed.`,
    );
  return name;
}

/** MLflow's alias rule: letters, digits, `_` and `-`; not `latest` and not `v<number>` (those are version references). */
export function validateAlias(alias: unknown): string {
  if (typeof alias !== 'string' || alias === '') throw invalid("Missing value for required parameter 'alias'.");
  if (alias.length > 255) throw invalid('Aliases may be at most 255 characters.');
  if (!/^[\w-]+$/.test(alias))
    throw invalid(`Invalid alias ${JSON.stringify(alias)}: use letters, digits, underscores and hyphens.`);
  if (/^latest$/i.test(alias) || /^v\d+$/i.test(alias))
    throw invalid(`'${alias}' is reserved (it names a version) and cannot be used as an alias.`);
  return alias;
}

export function stageOf(v: unknown): Stage {
  const s = typeof v === 'string' ? STAGES.find((x) => x.toLowerCase() === v.toLowerCase()) : undefined;
  if (!s) throw invalid(`Invalid model version stage ${JSON.stringify(v)}: expected one of ${STAGES.join(', ')}.`);
  return s;
}

/** The tables that hold a registered model's rows, each keyed by `repo_id` and `name`. */
const MODEL_TABLES = [
  'mlflow_registered_models',
  'mlflow_registered_model_tags',
  'mlflow_model_versions',
  'mlflow_model_version_tags',
  'mlflow_registered_model_aliases',
] as const;

/** Makes the registry's tables (migrations) and its store. */
export async function makeRegistryStore(sql: SqlDatabase): Promise<RegistryStore> {
  await migrateRegistry(sql);
  return registryStore(sql);
}

function registryStore(db: SqlDatabase) {
  /**
   * ` FOR UPDATE` on PostgreSQL: a write transaction's read of its model row locks it, so the
   * writes of one model from several server processes take turns (SQLite has one writer).
   */
  const lock = db.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const modelRow = (q: SqlQueries, repoId: number, name: string, forUpdate = false) =>
    q.get<ModelRow>(`SELECT * FROM mlflow_registered_models WHERE repo_id = ? AND name = ?${forUpdate ? lock : ''}`, [
      repoId,
      name,
    ]);
  const touchModel = (q: SqlQueries, now: number, repoId: number, name: string) =>
    q.run('UPDATE mlflow_registered_models SET last_updated_time = ? WHERE repo_id = ? AND name = ?', [
      now,
      repoId,
      name,
    ]);
  const touchVersion = (q: SqlQueries, now: number, repoId: number, name: string, version: number) =>
    q.run('UPDATE mlflow_model_versions SET last_updated_time = ? WHERE repo_id = ? AND name = ? AND version = ?', [
      now,
      repoId,
      name,
      version,
    ]);

  async function model(q: SqlQueries, repoId: number, name: string, forUpdate = false): Promise<ModelRow> {
    const r = await modelRow(q, repoId, name, forUpdate);
    if (!r) throw notFound(`Registered Model with name=${name} not found`);
    return r;
  }

  async function versionOf(
    q: SqlQueries,
    repoId: number,
    name: string,
    version: number,
    forUpdate = false,
  ): Promise<VersionRow> {
    await model(q, repoId, name, forUpdate);
    const r = await q.get<VersionRow>(
      'SELECT * FROM mlflow_model_versions WHERE repo_id = ? AND name = ? AND version = ?',
      [repoId, name, version],
    );
    if (!r) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
    return r;
  }

  const aliasesOf = (repoId: number, name: string) =>
    db.all<{ alias: string; version: number }>(
      'SELECT alias, version FROM mlflow_registered_model_aliases WHERE repo_id = ? AND name = ? ORDER BY alias',
      [repoId, name],
    );

  async function versionRecord(repoId: number, r: VersionRow): Promise<ModelVersionRecord> {
    const aliases = (await aliasesOf(repoId, r.name)).filter((a) => a.version === r.version).map((a) => a.alias);
    const tags = await db.all<{ key: string; value: string }>(
      'SELECT key, value FROM mlflow_model_version_tags WHERE repo_id = ? AND name = ? AND version = ? ORDER BY key',
      [repoId, r.name, r.version],
    );
    return {
      name: r.name,
      version: r.version,
      creationTime: r.creation_time,
      lastUpdatedTime: r.last_updated_time,
      description: r.description,
      userId: r.user_id,
      currentStage: r.current_stage as Stage,
      source: r.source,
      storageLocation: r.storage_location,
      runId: r.run_id,
      runLink: r.run_link,
      tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
      aliases,
    };
  }

  async function modelRecord(repoId: number, r: ModelRow): Promise<RegisteredModelRecord> {
    const versions = await db.all<VersionRow>(
      'SELECT * FROM mlflow_model_versions WHERE repo_id = ? AND name = ? ORDER BY version',
      [repoId, r.name],
    );
    const latest = new Map<string, VersionRow>();
    for (const v of versions) {
      const cur = latest.get(v.current_stage);
      if (!cur || v.version > cur.version) latest.set(v.current_stage, v);
    }
    const tags = await db.all<{ key: string; value: string }>(
      'SELECT key, value FROM mlflow_registered_model_tags WHERE repo_id = ? AND name = ? ORDER BY key',
      [repoId, r.name],
    );
    const latestVersions: ModelVersionRecord[] = [];
    for (const v of [...latest.values()].sort((a, b) => a.version - b.version))
      latestVersions.push(await versionRecord(repoId, v));
    return {
      name: r.name,
      description: r.description,
      creationTime: r.creation_time,
      lastUpdatedTime: r.last_updated_time,
      tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
      aliases: await aliasesOf(repoId, r.name),
      latestVersions,
    };
  }

  function ordered<T>(
    items: T[],
    orderBy: string[],
    keys: Record<string, (t: T) => string | number>,
    fallback: string[],
  ) {
    const specs = (orderBy.length ? orderBy : fallback).map((o) => {
      const m = /^\s*(\S+)(?:\s+(ASC|DESC))?\s*$/i.exec(o);
      const key = m?.[1]?.replace(/^`|`$/g, '');
      const get = key ? keys[key] : undefined;
      if (!get)
        throw invalid(
          `Invalid order_by ${JSON.stringify(o)}: expected one of ${Object.keys(keys).join(', ')} with ASC or DESC.`,
        );
      return { get, desc: (m?.[2] ?? 'ASC').toUpperCase() === 'DESC' };
    });
    return [...items].sort((a, b) => {
      for (const s of specs) {
        const x = s.get(a);
        const y = s.get(b);
        if (x !== y) return (x < y ? -1 : 1) * (s.desc ? -1 : 1);
      }
      return 0;
    });
  }

  function page<T>(items: T[], offset: number, max: number): Page<T> {
    const slice = items.slice(offset, offset + max);
    return { items: slice, nextOffset: offset + max < items.length ? offset + max : null };
  }

  const holds = (clauses: Clause[], get: (attr: string) => string | undefined) =>
    clauses.every((c) => clauseHolds(c, get(c.attribute)));

  const putModelTag = (q: SqlQueries, repoId: number, name: string, key: string, value: string) =>
    q.run(
      `INSERT INTO mlflow_registered_model_tags (repo_id, name, key, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (repo_id, name, key) DO UPDATE SET value = excluded.value`,
      [repoId, name, key, value],
    );
  const putVersionTag = (q: SqlQueries, repoId: number, name: string, version: number, key: string, value: string) =>
    q.run(
      `INSERT INTO mlflow_model_version_tags (repo_id, name, version, key, value) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (repo_id, name, version, key) DO UPDATE SET value = excluded.value`,
      [repoId, name, version, key, value],
    );

  return {
    async createModel(
      repoId: number,
      name: string,
      description: string,
      tags: Array<[string, string]>,
    ): Promise<RegisteredModelRecord> {
      validateModelName(name);
      const now = Date.now();
      await db.transaction(async (q) => {
        // ON CONFLICT: the name may be taken by another process between a check and the insert.
        const made = await q.run(
          `INSERT INTO mlflow_registered_models (repo_id, name, description, creation_time, last_updated_time)
           VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
          [repoId, name, description, now, now],
        );
        if (made.changes === 0)
          throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
        for (const [k, v] of tags) await putModelTag(q, repoId, name, k, v);
      });
      return modelRecord(repoId, await model(db, repoId, name));
    },

    async getModel(repoId: number, name: string): Promise<RegisteredModelRecord> {
      return modelRecord(repoId, await model(db, repoId, validateModelName(name)));
    },

    async searchModels(
      repoId: number,
      q: { filter: string; orderBy: string[]; maxResults: number; offset: number },
    ): Promise<Page<RegisteredModelRecord>> {
      const clauses = parseRegistryFilter(q.filter, ['name']);
      const rows: RegisteredModelRecord[] = [];
      for (const r of await db.all<ModelRow>('SELECT * FROM mlflow_registered_models WHERE repo_id = ? ORDER BY name', [
        repoId,
      ]))
        rows.push(await modelRecord(repoId, r));
      const matching = rows.filter((m) => holds(clauses, (a) => (a === 'name' ? m.name : m.tags[a.slice(5)])));
      const sorted = ordered(
        matching,
        q.orderBy,
        {
          name: (m) => m.name,
          timestamp: (m) => m.lastUpdatedTime,
          last_updated_timestamp: (m) => m.lastUpdatedTime,
          creation_timestamp: (m) => m.creationTime,
        },
        ['name ASC'],
      );
      return page(sorted, q.offset, q.maxResults);
    },

    async updateModel(repoId: number, name: string, description: string | undefined): Promise<RegisteredModelRecord> {
      await db.transaction(async (q) => {
        await model(q, repoId, name, true);
        if (description !== undefined)
          await q.run('UPDATE mlflow_registered_models SET description = ? WHERE repo_id = ? AND name = ?', [
            description,
            repoId,
            name,
          ]);
        await touchModel(q, Date.now(), repoId, name);
      });
      return modelRecord(repoId, await model(db, repoId, name));
    },

    async renameModel(repoId: number, name: string, newName: string): Promise<RegisteredModelRecord> {
      validateModelName(newName, 'new_name');
      await db.transaction(async (q) => {
        await model(q, repoId, name, true);
        if (newName !== name && (await modelRow(q, repoId, newName)))
          throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${newName}) already exists.`);
        for (const table of MODEL_TABLES) {
          await q.run(`UPDATE ${table} SET name = ? WHERE repo_id = ? AND name = ?`, [newName, repoId, name]);
        }
        await touchModel(q, Date.now(), repoId, newName);
      });
      return modelRecord(repoId, await model(db, repoId, newName));
    },

    async deleteModel(repoId: number, name: string): Promise<void> {
      await db.transaction(async (q) => {
        await model(q, repoId, name, true);
        for (const table of MODEL_TABLES) {
          await q.run(`DELETE FROM ${table} WHERE repo_id = ? AND name = ?`, [repoId, name]);
        }
      });
    },

    async setModelTag(repoId: number, name: string, key: string, value: string): Promise<void> {
      await db.transaction(async (q) => {
        await model(q, repoId, name, true);
        await putModelTag(q, repoId, name, key, value);
        await touchModel(q, Date.now(), repoId, name);
      });
    },

    async deleteModelTag(repoId: number, name: string, key: string): Promise<void> {
      await db.transaction(async (q) => {
        await model(q, repoId, name, true);
        const gone = await q.run(
          'DELETE FROM mlflow_registered_model_tags WHERE repo_id = ? AND name = ? AND key = ?',
          [repoId, name, key],
        );
        if (gone.changes === 0) throw notFound(`No tag with name: ${key} in registered model ${name}.`);
      });
    },

    async setAlias(repoId: number, name: string, alias: string, version: number): Promise<void> {
      validateAlias(alias);
      await db.transaction(async (q) => {
        await versionOf(q, repoId, name, version, true);
        await q.run(
          `INSERT INTO mlflow_registered_model_aliases (repo_id, name, alias, version) VALUES (?, ?, ?, ?)
           ON CONFLICT (repo_id, name, alias) DO UPDATE SET version = excluded.version`,
          [repoId, name, alias, version],
        );
        await touchModel(q, Date.now(), repoId, name);
      });
    },

    async deleteAlias(repoId: number, name: string, alias: string): Promise<void> {
      await db.transaction(async (q) => {
        await model(q, repoId, name, true);
        await q.run('DELETE FROM mlflow_registered_model_aliases WHERE repo_id = ? AND name = ? AND alias = ?', [
          repoId,
          name,
          alias,
        ]);
        await touchModel(q, Date.now(), repoId, name);
      });
    },

    async versionByAlias(repoId: number, name: string, alias: string): Promise<ModelVersionRecord> {
      await model(db, repoId, name);
      const a = await db.get<{ version: number }>(
        'SELECT version FROM mlflow_registered_model_aliases WHERE repo_id = ? AND name = ? AND alias = ?',
        [repoId, name, alias],
      );
      if (!a) throw notFound(`Registered model alias ${alias} not found.`);
      return versionRecord(repoId, await versionOf(db, repoId, name, a.version));
    },

    async createVersion(repoId: number, name: string, v: NewVersion): Promise<ModelVersionRecord> {
      const now = Date.now();
      const version = await db.transaction(async (q) => {
        // Taking the number and moving `next_version` on is one statement, so two processes
        // registering versions of one model at once never take the same number.
        const taken = await q.get<{ version: number }>(
          `UPDATE mlflow_registered_models SET next_version = next_version + 1, last_updated_time = ?
           WHERE repo_id = ? AND name = ? RETURNING next_version - 1 AS version`,
          [now, repoId, name],
        );
        if (!taken) throw notFound(`Registered Model with name=${name} not found`);
        const number = Number(taken.version);
        await q.run(
          `INSERT INTO mlflow_model_versions (repo_id, name, version, creation_time, last_updated_time, description,
             user_id, current_stage, source, storage_location, run_id, run_link)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'None', ?, ?, ?, ?)`,
          [repoId, name, number, now, now, v.description, v.userId, v.source, v.storageLocation, v.runId, v.runLink],
        );
        for (const [k, val] of v.tags) await putVersionTag(q, repoId, name, number, k, val);
        return number;
      });
      return versionRecord(repoId, await versionOf(db, repoId, name, version));
    },

    async getVersion(repoId: number, name: string, version: number): Promise<ModelVersionRecord> {
      return versionRecord(repoId, await versionOf(db, repoId, name, version));
    },

    async latestVersions(repoId: number, name: string, stages: Stage[]): Promise<ModelVersionRecord[]> {
      const m = await modelRecord(repoId, await model(db, repoId, name));
      return stages.length ? m.latestVersions.filter((v) => stages.includes(v.currentStage)) : m.latestVersions;
    },

    async searchVersions(
      repoId: number,
      q: { filter: string; orderBy: string[]; maxResults: number; offset: number },
    ): Promise<Page<ModelVersionRecord>> {
      const clauses = parseRegistryFilter(q.filter, ['name', 'run_id', 'source_path', 'version_number']);
      const rows: ModelVersionRecord[] = [];
      for (const r of await db.all<VersionRow>(
        'SELECT * FROM mlflow_model_versions WHERE repo_id = ? ORDER BY name, version',
        [repoId],
      ))
        rows.push(await versionRecord(repoId, r));
      const matching = rows.filter((v) =>
        holds(clauses, (a) =>
          a === 'name'
            ? v.name
            : a === 'run_id'
              ? v.runId
              : a === 'source_path'
                ? v.source
                : a === 'version_number'
                  ? String(v.version)
                  : v.tags[a.slice(5)],
        ),
      );
      const sorted = ordered(
        matching,
        q.orderBy,
        {
          name: (v) => v.name,
          version_number: (v) => v.version,
          creation_timestamp: (v) => v.creationTime,
          last_updated_timestamp: (v) => v.lastUpdatedTime,
          timestamp: (v) => v.lastUpdatedTime,
        },
        ['name ASC', 'version_number DESC'],
      );
      return page(sorted, q.offset, q.maxResults);
    },

    async updateVersion(
      repoId: number,
      name: string,
      version: number,
      description: string | undefined,
    ): Promise<ModelVersionRecord> {
      await db.transaction(async (q) => {
        await versionOf(q, repoId, name, version, true);
        if (description !== undefined)
          await q.run(
            'UPDATE mlflow_model_versions SET description = ? WHERE repo_id = ? AND name = ? AND version = ?',
            [description, repoId, name, version],
          );
        await touchVersion(q, Date.now(), repoId, name, version);
      });
      return versionRecord(repoId, await versionOf(db, repoId, name, version));
    },

    async transitionStage(
      repoId: number,
      name: string,
      version: number,
      stage: Stage,
      archiveExisting: boolean,
    ): Promise<ModelVersionRecord> {
      await db.transaction(async (q) => {
        await versionOf(q, repoId, name, version, true);
        const now = Date.now();
        if (archiveExisting && (stage === 'Staging' || stage === 'Production')) {
          await q.run(
            `UPDATE mlflow_model_versions SET current_stage = 'Archived', last_updated_time = ?
             WHERE repo_id = ? AND name = ? AND current_stage = ? AND version != ?`,
            [now, repoId, name, stage, version],
          );
        }
        await q.run(
          'UPDATE mlflow_model_versions SET current_stage = ?, last_updated_time = ? WHERE repo_id = ? AND name = ? AND version = ?',
          [stage, now, repoId, name, version],
        );
        await touchModel(q, now, repoId, name);
      });
      return versionRecord(repoId, await versionOf(db, repoId, name, version));
    },

    async deleteVersion(repoId: number, name: string, version: number): Promise<void> {
      await db.transaction(async (q) => {
        await versionOf(q, repoId, name, version, true);
        for (const table of ['mlflow_model_versions', 'mlflow_model_version_tags', 'mlflow_registered_model_aliases']) {
          await q.run(`DELETE FROM ${table} WHERE repo_id = ? AND name = ? AND version = ?`, [repoId, name, version]);
        }
        await touchModel(q, Date.now(), repoId, name);
      });
    },

    async setVersionTag(repoId: number, name: string, version: number, key: string, value: string): Promise<void> {
      await db.transaction(async (q) => {
        await versionOf(q, repoId, name, version, true);
        await putVersionTag(q, repoId, name, version, key, value);
        await touchVersion(q, Date.now(), repoId, name, version);
      });
    },

    async deleteVersionTag(repoId: number, name: string, version: number, key: string): Promise<void> {
      await db.transaction(async (q) => {
        await versionOf(q, repoId, name, version, true);
        const gone = await q.run(
          'DELETE FROM mlflow_model_version_tags WHERE repo_id = ? AND name = ? AND version = ? AND key = ?',
          [repoId, name, version, key],
        );
        if (gone.changes === 0) throw notFound(`No tag with name: ${key} in model version ${name}/${version}.`);
      });
    },
  };
}

export type RegistryStore = ReturnType<typeof registryStore>;
