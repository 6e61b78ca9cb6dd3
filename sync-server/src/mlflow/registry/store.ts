import type { Db } from '../../db/database.ts';
import { invalid, MlflowError, notFound } from '../errors.ts';
import { type Clause, clauseHolds, parseRegistryFilter } from './filter.ts';
import { migrateRegistry } from './schema.ts';

/**
 * Each repository's MLflow Model Registry in SQLite: registered models (description, tags,
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

export function makeRegistryStore(db: Db) {
  migrateRegistry(db);
  const modelRow = db.prepare('SELECT * FROM mlflow_registered_models WHERE repo_id = ? AND name = ?');
  const allModels = db.prepare('SELECT * FROM mlflow_registered_models WHERE repo_id = ?');
  const versionRow = db.prepare('SELECT * FROM mlflow_model_versions WHERE repo_id = ? AND name = ? AND version = ?');
  const versionsOfModel = db.prepare('SELECT * FROM mlflow_model_versions WHERE repo_id = ? AND name = ?');
  const allVersions = db.prepare('SELECT * FROM mlflow_model_versions WHERE repo_id = ?');
  const modelTags = db.prepare('SELECT key, value FROM mlflow_registered_model_tags WHERE repo_id = ? AND name = ?');
  const versionTags = db.prepare(
    'SELECT key, value FROM mlflow_model_version_tags WHERE repo_id = ? AND name = ? AND version = ?',
  );
  const aliasesOf = db.prepare(
    'SELECT alias, version FROM mlflow_registered_model_aliases WHERE repo_id = ? AND name = ? ORDER BY alias',
  );
  const touchModel = db.prepare(
    'UPDATE mlflow_registered_models SET last_updated_time = ? WHERE repo_id = ? AND name = ?',
  );
  const touchVersion = db.prepare(
    'UPDATE mlflow_model_versions SET last_updated_time = ? WHERE repo_id = ? AND name = ? AND version = ?',
  );

  function model(repoId: number, name: string): ModelRow {
    const r = modelRow.get(repoId, name) as ModelRow | undefined;
    if (!r) throw notFound(`Registered Model with name=${name} not found`);
    return r;
  }

  function versionOf(repoId: number, name: string, version: number): VersionRow {
    model(repoId, name);
    const r = versionRow.get(repoId, name, version) as VersionRow | undefined;
    if (!r) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
    return r;
  }

  function versionRecord(repoId: number, r: VersionRow): ModelVersionRecord {
    const aliases = (aliasesOf.all(repoId, r.name) as Array<{ alias: string; version: number }>)
      .filter((a) => a.version === r.version)
      .map((a) => a.alias);
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
      tags: Object.fromEntries(
        (versionTags.all(repoId, r.name, r.version) as Array<{ key: string; value: string }>).map((t) => [
          t.key,
          t.value,
        ]),
      ),
      aliases,
    };
  }

  function modelRecord(repoId: number, r: ModelRow): RegisteredModelRecord {
    const versions = versionsOfModel.all(repoId, r.name) as VersionRow[];
    const latest = new Map<string, VersionRow>();
    for (const v of versions) {
      const cur = latest.get(v.current_stage);
      if (!cur || v.version > cur.version) latest.set(v.current_stage, v);
    }
    return {
      name: r.name,
      description: r.description,
      creationTime: r.creation_time,
      lastUpdatedTime: r.last_updated_time,
      tags: Object.fromEntries(
        (modelTags.all(repoId, r.name) as Array<{ key: string; value: string }>).map((t) => [t.key, t.value]),
      ),
      aliases: aliasesOf.all(repoId, r.name) as Array<{ alias: string; version: number }>,
      latestVersions: [...latest.values()].sort((a, b) => a.version - b.version).map((v) => versionRecord(repoId, v)),
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

  return {
    createModel(
      repoId: number,
      name: string,
      description: string,
      tags: Array<[string, string]>,
    ): RegisteredModelRecord {
      validateModelName(name);
      const now = Date.now();
      db.transaction(() => {
        if (modelRow.get(repoId, name))
          throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
        db.prepare(
          'INSERT INTO mlflow_registered_models (repo_id, name, description, creation_time, last_updated_time) VALUES (?, ?, ?, ?, ?)',
        ).run(repoId, name, description, now, now);
        const put = db.prepare('INSERT OR REPLACE INTO mlflow_registered_model_tags VALUES (?, ?, ?, ?)');
        for (const [k, v] of tags) put.run(repoId, name, k, v);
      })();
      return modelRecord(repoId, model(repoId, name));
    },

    getModel(repoId: number, name: string): RegisteredModelRecord {
      return modelRecord(repoId, model(repoId, validateModelName(name)));
    },

    searchModels(
      repoId: number,
      q: { filter: string; orderBy: string[]; maxResults: number; offset: number },
    ): Page<RegisteredModelRecord> {
      const clauses = parseRegistryFilter(q.filter, ['name']);
      const rows = (allModels.all(repoId) as ModelRow[]).map((r) => modelRecord(repoId, r));
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

    updateModel(repoId: number, name: string, description: string | undefined): RegisteredModelRecord {
      db.transaction(() => {
        model(repoId, name);
        if (description !== undefined)
          db.prepare('UPDATE mlflow_registered_models SET description = ? WHERE repo_id = ? AND name = ?').run(
            description,
            repoId,
            name,
          );
        touchModel.run(Date.now(), repoId, name);
      })();
      return modelRecord(repoId, model(repoId, name));
    },

    renameModel(repoId: number, name: string, newName: string): RegisteredModelRecord {
      validateModelName(newName, 'new_name');
      db.transaction(() => {
        model(repoId, name);
        if (newName !== name && modelRow.get(repoId, newName))
          throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${newName}) already exists.`);
        for (const table of [
          'mlflow_registered_models',
          'mlflow_registered_model_tags',
          'mlflow_model_versions',
          'mlflow_model_version_tags',
          'mlflow_registered_model_aliases',
        ]) {
          db.prepare(`UPDATE ${table} SET name = ? WHERE repo_id = ? AND name = ?`).run(newName, repoId, name);
        }
        touchModel.run(Date.now(), repoId, newName);
      })();
      return modelRecord(repoId, model(repoId, newName));
    },

    deleteModel(repoId: number, name: string): void {
      db.transaction(() => {
        model(repoId, name);
        for (const table of [
          'mlflow_registered_models',
          'mlflow_registered_model_tags',
          'mlflow_model_versions',
          'mlflow_model_version_tags',
          'mlflow_registered_model_aliases',
        ]) {
          db.prepare(`DELETE FROM ${table} WHERE repo_id = ? AND name = ?`).run(repoId, name);
        }
      })();
    },

    setModelTag(repoId: number, name: string, key: string, value: string): void {
      db.transaction(() => {
        model(repoId, name);
        db.prepare('INSERT OR REPLACE INTO mlflow_registered_model_tags VALUES (?, ?, ?, ?)').run(
          repoId,
          name,
          key,
          value,
        );
        touchModel.run(Date.now(), repoId, name);
      })();
    },

    deleteModelTag(repoId: number, name: string, key: string): void {
      db.transaction(() => {
        model(repoId, name);
        const gone = db
          .prepare('DELETE FROM mlflow_registered_model_tags WHERE repo_id = ? AND name = ? AND key = ?')
          .run(repoId, name, key);
        if (gone.changes === 0) throw notFound(`No tag with name: ${key} in registered model ${name}.`);
      })();
    },

    setAlias(repoId: number, name: string, alias: string, version: number): void {
      validateAlias(alias);
      db.transaction(() => {
        versionOf(repoId, name, version);
        db.prepare('INSERT OR REPLACE INTO mlflow_registered_model_aliases VALUES (?, ?, ?, ?)').run(
          repoId,
          name,
          alias,
          version,
        );
        touchModel.run(Date.now(), repoId, name);
      })();
    },

    deleteAlias(repoId: number, name: string, alias: string): void {
      db.transaction(() => {
        model(repoId, name);
        db.prepare('DELETE FROM mlflow_registered_model_aliases WHERE repo_id = ? AND name = ? AND alias = ?').run(
          repoId,
          name,
          alias,
        );
        touchModel.run(Date.now(), repoId, name);
      })();
    },

    versionByAlias(repoId: number, name: string, alias: string): ModelVersionRecord {
      model(repoId, name);
      const a = db
        .prepare('SELECT version FROM mlflow_registered_model_aliases WHERE repo_id = ? AND name = ? AND alias = ?')
        .get(repoId, name, alias) as { version: number } | undefined;
      if (!a) throw notFound(`Registered model alias ${alias} not found.`);
      return versionRecord(repoId, versionOf(repoId, name, a.version));
    },

    createVersion(repoId: number, name: string, v: NewVersion): ModelVersionRecord {
      const now = Date.now();
      const version = db.transaction(() => {
        const m = model(repoId, name);
        db.prepare(
          `INSERT INTO mlflow_model_versions (repo_id, name, version, creation_time, last_updated_time, description,
             user_id, current_stage, source, storage_location, run_id, run_link)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'None', ?, ?, ?, ?)`,
        ).run(
          repoId,
          name,
          m.next_version,
          now,
          now,
          v.description,
          v.userId,
          v.source,
          v.storageLocation,
          v.runId,
          v.runLink,
        );
        const put = db.prepare('INSERT OR REPLACE INTO mlflow_model_version_tags VALUES (?, ?, ?, ?, ?)');
        for (const [k, val] of v.tags) put.run(repoId, name, m.next_version, k, val);
        db.prepare(
          'UPDATE mlflow_registered_models SET next_version = next_version + 1, last_updated_time = ? WHERE repo_id = ? AND name = ?',
        ).run(now, repoId, name);
        return m.next_version;
      })();
      return versionRecord(repoId, versionOf(repoId, name, version));
    },

    getVersion(repoId: number, name: string, version: number): ModelVersionRecord {
      return versionRecord(repoId, versionOf(repoId, name, version));
    },

    latestVersions(repoId: number, name: string, stages: Stage[]): ModelVersionRecord[] {
      const m = modelRecord(repoId, model(repoId, name));
      return stages.length ? m.latestVersions.filter((v) => stages.includes(v.currentStage)) : m.latestVersions;
    },

    searchVersions(
      repoId: number,
      q: { filter: string; orderBy: string[]; maxResults: number; offset: number },
    ): Page<ModelVersionRecord> {
      const clauses = parseRegistryFilter(q.filter, ['name', 'run_id', 'source_path', 'version_number']);
      const rows = (allVersions.all(repoId) as VersionRow[]).map((r) => versionRecord(repoId, r));
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

    updateVersion(repoId: number, name: string, version: number, description: string | undefined): ModelVersionRecord {
      db.transaction(() => {
        versionOf(repoId, name, version);
        if (description !== undefined)
          db.prepare(
            'UPDATE mlflow_model_versions SET description = ? WHERE repo_id = ? AND name = ? AND version = ?',
          ).run(description, repoId, name, version);
        touchVersion.run(Date.now(), repoId, name, version);
      })();
      return versionRecord(repoId, versionOf(repoId, name, version));
    },

    transitionStage(
      repoId: number,
      name: string,
      version: number,
      stage: Stage,
      archiveExisting: boolean,
    ): ModelVersionRecord {
      db.transaction(() => {
        versionOf(repoId, name, version);
        const now = Date.now();
        if (archiveExisting && (stage === 'Staging' || stage === 'Production')) {
          db.prepare(
            `UPDATE mlflow_model_versions SET current_stage = 'Archived', last_updated_time = ?
             WHERE repo_id = ? AND name = ? AND current_stage = ? AND version != ?`,
          ).run(now, repoId, name, stage, version);
        }
        db.prepare(
          'UPDATE mlflow_model_versions SET current_stage = ?, last_updated_time = ? WHERE repo_id = ? AND name = ? AND version = ?',
        ).run(stage, now, repoId, name, version);
        touchModel.run(now, repoId, name);
      })();
      return versionRecord(repoId, versionOf(repoId, name, version));
    },

    deleteVersion(repoId: number, name: string, version: number): void {
      db.transaction(() => {
        versionOf(repoId, name, version);
        for (const table of ['mlflow_model_versions', 'mlflow_model_version_tags', 'mlflow_registered_model_aliases']) {
          db.prepare(`DELETE FROM ${table} WHERE repo_id = ? AND name = ? AND version = ?`).run(repoId, name, version);
        }
        touchModel.run(Date.now(), repoId, name);
      })();
    },

    setVersionTag(repoId: number, name: string, version: number, key: string, value: string): void {
      db.transaction(() => {
        versionOf(repoId, name, version);
        db.prepare('INSERT OR REPLACE INTO mlflow_model_version_tags VALUES (?, ?, ?, ?, ?)').run(
          repoId,
          name,
          version,
          key,
          value,
        );
        touchVersion.run(Date.now(), repoId, name, version);
      })();
    },

    deleteVersionTag(repoId: number, name: string, version: number, key: string): void {
      db.transaction(() => {
        versionOf(repoId, name, version);
        const gone = db
          .prepare('DELETE FROM mlflow_model_version_tags WHERE repo_id = ? AND name = ? AND version = ? AND key = ?')
          .run(repoId, name, version, key);
        if (gone.changes === 0) throw notFound(`No tag with name: ${key} in model version ${name}/${version}.`);
      })();
    },
  };
}

export type RegistryStore = ReturnType<typeof makeRegistryStore>;
