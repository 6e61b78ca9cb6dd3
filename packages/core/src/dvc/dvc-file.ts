/**
 * `.dvc` files: single-artifact pointers (`outs` with md5/size/nfiles/hash/path), import files
 * (top-level `md5`, `frozen`, `deps[].repo`) and DVC 0.x stage files (`cmd`, `deps`, `outs` with
 * `metric: true`). Paths inside are relative to the `.dvc` file's own directory.
 */
import { ParseError } from '../errors/parse-error.ts';
import { fail, failWith, ok, type Result } from '../errors/result.ts';
import { deepEqual } from '../yaml/deep-equal.ts';
import { type LoadedYaml, loadYaml } from '../yaml/load-yaml.ts';
import { stringifyYamlPreserving } from '../yaml/yaml-edit.ts';
import { type HashedEntry, hashedEntryToDvcFileData, readHashedEntry } from './hashed-entry.ts';
import { dirnameOf } from './posix-path.ts';
import { isRecord, kindOf, schemaError } from './schema-error.ts';

export interface ImportSource {
  url: string;
  rev?: string;
  rev_lock?: string;
}

export interface DvcFileDep extends HashedEntry {
  /** Import files: the repository the data comes from. Also present (raw) in `extra.repo`. */
  repo?: ImportSource;
}

export interface DvcFile {
  outs: HashedEntry[];
  deps: DvcFileDep[];
  /** Import and 0.x stage files: the hash of the stage itself. */
  md5?: string;
  frozen?: boolean;
  /** DVC 0.x/1.x stage-style files only. */
  cmd?: string | string[];
  wdir?: string;
  /** Every other top-level key, as written. */
  extra: Record<string, unknown>;
}

const TOP_KEYS = new Set(['outs', 'deps', 'md5', 'frozen', 'cmd', 'wdir']);

/**
 * Parses a `.dvc` file.
 * @example parseDvcFile('outs:\n- md5: 22a1…\n  size: 14445097\n  hash: md5\n  path: data.xml\n', 'data/data.xml.dvc')
 */
export function parseDvcFile(text: string, file?: string): Result<DvcFile> {
  const loaded = loadYaml(text, file === undefined ? {} : { file });
  if (!loaded.ok) return loaded;
  return readDvcFile(loaded.value);
}

/** The .dvc file's directory; a caller-given name outside the repo falls back to the root. */
function fileDir(file: string | undefined): string {
  const dir = file === undefined ? '.' : dirnameOf(file);
  return dir === '..' || dir.startsWith('../') ? '.' : dir;
}

function readDvcFile(loaded: LoadedYaml): Result<DvcFile> {
  const data = loaded.data;
  if (!isRecord(data)) {
    return failWith(schemaError(loaded, [], `A .dvc file must be a mapping with an outs list, found ${kindOf(data)}.`));
  }
  const result: DvcFile = { outs: [], deps: [], extra: {} };
  for (const key of ['outs', 'deps'] as const) {
    const list = data[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) return failWith(schemaError(loaded, [key], `expected a list, found ${kindOf(list)}.`));
    for (let i = 0; i < list.length; i++) {
      // Paths are relative to the .dvc file's directory and must stay in the repository; import
      // deps and import-url deps may name external data (`s3://…`, `remote://…`).
      const entry = readHashedEntry(list[i], loaded, [key, i], {
        baseDir: fileDir(loaded.file),
        output: key === 'outs',
        allowExternal: true,
      });
      if (entry instanceof ParseError) return failWith(entry);
      if (key === 'deps') {
        const dep: DvcFileDep = entry;
        const repo = entry.extra.repo;
        if (repo !== undefined) {
          if (!isRecord(repo) || typeof repo.url !== 'string') {
            return failWith(schemaError(loaded, [key, i, 'repo'], 'an import source needs a string `url`.'));
          }
          dep.repo = { url: repo.url };
          if (typeof repo.rev === 'string') dep.repo.rev = repo.rev;
          if (typeof repo.rev_lock === 'string') dep.repo.rev_lock = repo.rev_lock;
        }
        result.deps.push(dep);
      } else result.outs.push(entry);
    }
  }
  if (data.md5 !== undefined && data.md5 !== null) {
    if (typeof data.md5 !== 'string') return failWith(schemaError(loaded, ['md5'], 'expected a hash string.'));
    result.md5 = data.md5;
  }
  if (data.frozen !== undefined) {
    if (typeof data.frozen !== 'boolean') return failWith(schemaError(loaded, ['frozen'], 'expected true or false.'));
    result.frozen = data.frozen;
  }
  if (data.cmd !== undefined) {
    const cmd = data.cmd;
    if (typeof cmd !== 'string' && !(Array.isArray(cmd) && cmd.every((c) => typeof c === 'string'))) {
      return failWith(schemaError(loaded, ['cmd'], 'expected a command string or a list of them.'));
    }
    result.cmd = cmd;
  }
  if (data.wdir !== undefined) {
    if (typeof data.wdir !== 'string') return failWith(schemaError(loaded, ['wdir'], 'expected a directory path.'));
    result.wdir = data.wdir;
  }
  if (result.outs.length === 0 && result.deps.length === 0 && result.cmd === undefined) {
    return fail({
      code: 'schema',
      message: 'A .dvc file must list at least one output under `outs`.',
      ...(loaded.file !== undefined ? { file: loaded.file } : {}),
      line: 1,
      column: 1,
    });
  }
  for (const [k, v] of Object.entries(data)) if (!TOP_KEYS.has(k)) result.extra[k] = v;
  return ok(result);
}

/** The plain value a `.dvc` file holds, keys in the order `dvc add` / `dvc import` write them. */
export function dvcFileToData(file: DvcFile): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (file.cmd !== undefined) out.cmd = file.cmd;
  if (file.wdir !== undefined) out.wdir = file.wdir;
  if (file.md5 !== undefined && file.cmd === undefined) out.md5 = file.md5;
  if (file.frozen !== undefined) out.frozen = file.frozen;
  if (file.deps.length > 0) out.deps = file.deps.map(depToData);
  if (file.outs.length > 0) out.outs = file.outs.map(hashedEntryToDvcFileData);
  if (file.md5 !== undefined && file.cmd !== undefined) out.md5 = file.md5;
  return { ...out, ...file.extra };
}

/** Import deps are written `path, repo` (no hash); other deps like outs. */
function depToData(dep: DvcFileDep): Record<string, unknown> {
  if (dep.extra.repo !== undefined && dep.md5 === undefined) {
    return { path: dep.path, ...dep.extra };
  }
  const data = hashedEntryToDvcFileData(dep);
  const { path, ...rest } = data;
  return { path, ...rest };
}

/**
 * Writes a `.dvc` file. Pass the text it was read from as `original` to keep that text exactly
 * when nothing changed, and its key order, comments and unknown keys when something did.
 */
export function serializeDvcFile(file: DvcFile, original?: string): string {
  if (original !== undefined) {
    const before = parseDvcFile(original);
    if (before.ok && deepEqual(before.value, file)) return original;
  }
  return stringifyYamlPreserving(dvcFileToData(file), original);
}
