/**
 * `dvc.lock`: the state of each (expanded) stage after its last run — resolved command, hashed
 * deps and outs, and the params values used. Schema '2.0' (`schema`, `stages`); the 1.x form
 * (stage names at the top level) is read too and written back in the form it came in.
 */
import { ParseError } from '../errors/parse-error.ts';
import { failWith, ok, type Result } from '../errors/result.ts';
import { deepEqual } from '../yaml/deep-equal.ts';
import { type LoadedYaml, loadYaml } from '../yaml/load-yaml.ts';
import { stringifyYamlPreserving } from '../yaml/yaml-edit.ts';
import { type HashedEntry, hashedEntryToLockData, readHashedEntry } from './hashed-entry.ts';
import { isRecord, type KeyPath, kindOf, schemaError } from './schema-error.ts';

export interface LockStage {
  cmd: string | string[];
  deps: HashedEntry[];
  /** params file (relative to the stage's wdir) → flat dotted key → value used. */
  params: Record<string, Record<string, unknown>>;
  outs: HashedEntry[];
  /** Every other key of the stage (`frozen`, `md5` of 1.x files…), as written. */
  extra: Record<string, unknown>;
}

export interface DvcLock {
  /** '2.0' for current files; null for the 1.x form without a schema key. */
  schema: string | null;
  /** Expanded stage name (`train`, `build@us`) → state; insertion order = file order. */
  stages: Record<string, LockStage>;
  extra: Record<string, unknown>;
}

const STAGE_KEYS = new Set(['cmd', 'deps', 'params', 'outs']);

/** Parses `dvc.lock`. */
export function parseDvcLock(text: string, file = 'dvc.lock'): Result<DvcLock> {
  const loaded = loadYaml(text, { file });
  if (!loaded.ok) return loaded;
  const data = loaded.value.data;
  if (data === null) return ok({ schema: '2.0', stages: {}, extra: {} });
  if (!isRecord(data)) {
    return failWith(schemaError(loaded.value, [], `dvc.lock must be a mapping, found ${kindOf(data)}.`));
  }
  const lock: DvcLock = { schema: null, stages: {}, extra: {} };
  let stages: unknown;
  let base: KeyPath = [];
  if ('schema' in data) {
    if (typeof data.schema !== 'string') {
      return failWith(schemaError(loaded.value, ['schema'], "expected a quoted version such as '2.0'."));
    }
    if (!data.schema.startsWith('2.')) {
      return failWith(
        schemaError(loaded.value, ['schema'], `lock file schema '${data.schema}' is not supported (2.x is).`),
      );
    }
    lock.schema = data.schema;
    stages = data.stages ?? {};
    base = ['stages'];
    for (const [k, v] of Object.entries(data)) if (k !== 'schema' && k !== 'stages') lock.extra[k] = v;
  } else stages = data;
  if (!isRecord(stages))
    return failWith(schemaError(loaded.value, base, `expected a mapping of stages, found ${kindOf(stages)}.`));
  for (const [name, raw] of Object.entries(stages)) {
    const stage = readLockStage(raw, loaded.value, [...base, name]);
    if (stage instanceof ParseError) return failWith(stage);
    lock.stages[name] = stage;
  }
  return ok(lock);
}

/** A deep synthetic base so `..` from a wdir is accepted while the spelling is still checked. */
const LOCK_BASE = Array.from({ length: 64 }, (_, i) => `w${i}`).join('/');

function readLockStage(raw: unknown, loaded: LoadedYaml, where: KeyPath): LockStage | ParseError {
  if (!isRecord(raw)) return schemaError(loaded, where, `expected a stage mapping, found ${kindOf(raw)}.`);
  const cmd = raw.cmd;
  if (typeof cmd !== 'string' && !(Array.isArray(cmd) && cmd.every((c) => typeof c === 'string'))) {
    return schemaError(
      loaded,
      [...where, 'cmd'],
      'every locked stage needs its command (a string or a list of strings).',
    );
  }
  const stage: LockStage = { cmd, deps: [], params: {}, outs: [], extra: {} };
  for (const key of ['deps', 'outs'] as const) {
    const list = raw[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) return schemaError(loaded, [...where, key], `expected a list, found ${kindOf(list)}.`);
    for (let i = 0; i < list.length; i++) {
      // Lock paths are relative to the stage's wdir, which the lock does not record: a leading `..`
      // may be legitimate, so only the spelling (absolute, backslash, NUL) is checked here.
      const entry = readHashedEntry(list[i], loaded, [...where, key, i], {
        baseDir: LOCK_BASE,
        output: false,
        allowExternal: true,
      });
      if (entry instanceof ParseError) return entry;
      stage[key].push(entry);
    }
  }
  if (raw.params !== undefined && raw.params !== null) {
    if (!isRecord(raw.params)) return schemaError(loaded, [...where, 'params'], 'expected params file → values.');
    for (const [f, values] of Object.entries(raw.params)) {
      if (values === null) {
        stage.params[f] = {};
        continue;
      }
      if (!isRecord(values))
        return schemaError(loaded, [...where, 'params', f], 'expected a mapping of param → value.');
      stage.params[f] = values;
    }
  }
  for (const [k, v] of Object.entries(raw)) if (!STAGE_KEYS.has(k)) stage.extra[k] = v;
  return stage;
}

/** A locked stage as DVC writes it: cmd, deps, params, outs (empty parts left out). */
export function lockStageToData(stage: LockStage): Record<string, unknown> {
  const out: Record<string, unknown> = { cmd: stage.cmd };
  if (stage.deps.length > 0) out.deps = stage.deps.map(hashedEntryToLockData);
  if (Object.keys(stage.params).length > 0) out.params = stage.params;
  if (stage.outs.length > 0) out.outs = stage.outs.map(hashedEntryToLockData);
  return { ...out, ...stage.extra };
}

export function dvcLockToData(lock: DvcLock): Record<string, unknown> {
  const stages: Record<string, unknown> = {};
  for (const [name, stage] of Object.entries(lock.stages)) stages[name] = lockStageToData(stage);
  if (lock.schema === null) return stages;
  return { schema: lock.schema, stages, ...lock.extra };
}

/**
 * Writes `dvc.lock`. With `original`, an unchanged lock is returned byte for byte and a changed
 * one keeps the original's order and layout for the stages it still has.
 */
export function serializeDvcLock(lock: DvcLock, original?: string): string {
  if (original !== undefined) {
    const before = parseDvcLock(original);
    if (before.ok && deepEqual(before.value, lock)) return original;
  }
  return stringifyYamlPreserving(dvcLockToData(lock), original);
}
