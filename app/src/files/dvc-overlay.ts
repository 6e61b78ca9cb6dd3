/**
 * Shows DVC-tracked data as if it were in the tree. A folder's listing is its git entries plus
 * the outs of the `.dvc` files in it (a tracked file or folder appears under its own name, with
 * its size) plus the pipeline outputs recorded in a `dvc.lock` of it or of a folder above
 * (lock-outs.ts; a folder that holds only such outputs is shown too); a path inside a tracked
 * folder is resolved through the `.dir` manifest. Git and
 * the data cache are reached through `BrowseSource`, so this logic is tested without either.
 */
import { dirnameOf, resolveRepoPath } from '@cairn/core/dvc';
import { ParseError } from '@cairn/core/errors';
import type { GitTreeEntry } from '../git/read-context.ts';
import { GitReadError } from '../git/read-errors.ts';
import type { PathObject } from '../git/read-tree.ts';
import { type ObjectId, objectId } from '../storage/blob-store.ts';
import { listManifestFolder, type ManifestEntry } from './dir-manifest.ts';
import { type DvcOut, parseDvcPointer } from './dvc-pointer.ts';
import { parseLockOuts } from './lock-outs.ts';

/** What the browser needs from a repository at one commit and from the data cache. */
export interface BrowseSource {
  /** The git object at a path of the commit (throws `GitReadError` PATH_NOT_FOUND). */
  readPath(path: string): Promise<PathObject>;
  /** The text of a git blob. */
  readText(blobOid: string): Promise<string>;
  /** A `.dir` manifest's entries, or null when the manifest is not on this device. */
  loadManifest(manifest: ObjectId): Promise<ManifestEntry[] | null>;
}

export interface BrowseEntry {
  name: string;
  path: string;
  type: 'folder' | 'file' | 'submodule';
  /** `dvc`: data from a `.dvc` file or `dvc.lock`; `pipeline`: a folder only pipeline outputs are in. */
  source: 'git' | 'dvc' | 'pipeline';
  /** git object id, or the DVC object id (md5, md5.dir) for data. */
  oid: string;
  /** Known for data (from the `.dvc` file or manifest), null for git files. */
  size: number | null;
  nfiles: number | null;
  /** For data: the `.dvc` file tracking it. For a `.dvc` file: the names it tracks. */
  pointer?: string;
  tracks?: string[];
  /** For a pipeline output: the stage of `dvc.lock` that wrote it. */
  stage?: string;
  /** For data: hashed as DVC 2 did (md5-dos2unix, DVC 2 remote layout), so fetched from there. */
  legacy?: boolean;
}

/** A tracked out with its path from the repository root. */
export interface PlacedOut extends DvcOut {
  fullPath: string;
  /** The `.dvc` file or `dvc.lock` that records it. */
  pointer: string;
  /** For a pipeline output: the stage of `dvc.lock` that wrote it. */
  stage?: string;
}

export type BrowseTarget =
  | { kind: 'folder'; path: string; entries: BrowseEntry[]; warnings: string[] }
  | { kind: 'dvc-folder'; path: string; entries: BrowseEntry[]; out: PlacedOut; warnings: string[] }
  | { kind: 'dvc-folder-missing'; path: string; out: PlacedOut }
  | { kind: 'git-file'; path: string; oid: string; mode: string }
  | {
      kind: 'dvc-file';
      path: string;
      oid: string;
      /** Its data-cache id: the oid under the hash algorithm of the out that tracks it. */
      object: ObjectId;
      size: number | null;
      legacy: boolean;
      out: PlacedOut;
    }
  | { kind: 'submodule'; path: string; oid: string };

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The outs of the `.dvc` files among a folder's git entries, placed at their repository paths. */
export async function outsInFolder(
  source: BrowseSource,
  entries: readonly GitTreeEntry[],
  warnings: string[] = [],
): Promise<PlacedOut[]> {
  const placed: PlacedOut[] = [];
  for (const e of entries) {
    if (e.type !== 'blob' || !e.name.endsWith('.dvc') || e.name === '.dvc') continue;
    try {
      for (const out of parseDvcPointer(await source.readText(e.oid), e.path)) {
        // Core's parser has refused paths that leave the repository; this only normalises.
        const fullPath = resolveRepoPath(dirnameOf(e.path), out.path);
        if (fullPath.ok && fullPath.value !== '.') placed.push({ ...out, fullPath: fullPath.value, pointer: e.path });
      }
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      warnings.push(error.describe());
    }
  }
  return placed;
}

/** The cached outputs of a `dvc.lock` among a folder's git entries, placed at their repository paths. */
export async function lockOutsInFolder(
  source: BrowseSource,
  entries: readonly GitTreeEntry[],
  warnings: string[] = [],
): Promise<PlacedOut[]> {
  const lock = entries.find((e) => e.type === 'blob' && e.name === 'dvc.lock');
  if (!lock) return [];
  try {
    const placed: PlacedOut[] = [];
    for (const out of parseLockOuts(await source.readText(lock.oid), lock.path)) {
      const fullPath = resolveRepoPath(dirnameOf(lock.path), out.path);
      if (fullPath.ok && fullPath.value !== '.') placed.push({ ...out, fullPath: fullPath.value, pointer: lock.path });
    }
    return placed;
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    warnings.push(`Pipeline outputs are not shown: ${error.describe()}`);
    return [];
  }
}

function isUnder(path: string, folder: string): boolean {
  return folder === '' ? path !== '' : path.startsWith(`${folder}/`);
}

/**
 * A folder's git entries with its tracked data merged in (folders first, then by name).
 * @param pipelineOuts outputs of the `dvc.lock` files in this folder and the folders above it
 */
export async function overlayFolder(
  source: BrowseSource,
  folder: string,
  entries: readonly GitTreeEntry[],
  warnings: string[] = [],
  pipelineOuts: readonly PlacedOut[] = [],
): Promise<BrowseEntry[]> {
  const result: BrowseEntry[] = entries.map((e) => ({
    name: e.name,
    path: e.path,
    type: e.type === 'tree' ? 'folder' : e.type === 'commit' ? 'submodule' : 'file',
    source: 'git',
    oid: e.oid,
    size: null,
    nfiles: null,
  }));
  const gitNames = new Set(entries.map((e) => e.name));
  for (const out of await outsInFolder(source, entries, warnings)) {
    if (parentOf(out.fullPath) !== folder || out.fullPath === '') continue;
    const name = baseName(out.fullPath);
    const pointerEntry = result.find((r) => r.path === out.pointer);
    if (pointerEntry) pointerEntry.tracks = [...(pointerEntry.tracks ?? []), name];
    if (gitNames.has(name)) continue; // git wins: the data would not be ignored there anyway
    gitNames.add(name);
    result.push({
      name,
      path: out.fullPath,
      type: out.isDir ? 'folder' : 'file',
      source: 'dvc',
      oid: out.oid,
      size: out.size,
      nfiles: out.nfiles,
      pointer: out.pointer,
      legacy: out.legacy,
    });
  }
  for (const out of pipelineOuts) {
    if (!isUnder(out.fullPath, folder)) continue;
    const rest = folder === '' ? out.fullPath : out.fullPath.slice(folder.length + 1);
    const name = rest.split('/')[0] as string;
    if (gitNames.has(name)) continue; // git, or a `.dvc` file's data, wins
    gitNames.add(name);
    const direct = !rest.includes('/');
    result.push({
      name,
      path: folder ? `${folder}/${name}` : name,
      type: direct && !out.isDir ? 'file' : 'folder',
      source: direct ? 'dvc' : 'pipeline',
      oid: direct ? out.oid : '',
      size: direct ? out.size : null,
      nfiles: direct ? out.nfiles : null,
      pointer: out.pointer,
      legacy: out.legacy,
      ...(out.stage ? { stage: out.stage } : {}),
    });
  }
  return result.sort((a, b) =>
    (a.type === 'folder') !== (b.type === 'folder')
      ? a.type === 'folder'
        ? -1
        : 1
      : a.name < b.name
        ? -1
        : a.name > b.name
          ? 1
          : 0,
  );
}

function manifestEntries(out: PlacedOut, manifest: readonly ManifestEntry[], sub: string): BrowseEntry[] | null {
  const children = listManifestFolder(manifest, sub);
  return (
    children?.map((c) => ({
      name: c.name,
      path: `${out.fullPath}/${c.relpath}`,
      type: c.type,
      source: 'dvc' as const,
      oid: c.type === 'file' ? c.md5 : out.oid,
      size: c.size,
      nfiles: c.type === 'folder' ? c.nfiles : null,
      pointer: out.pointer,
      legacy: out.legacy,
    })) ?? null
  );
}

function notFound(path: string): GitReadError {
  return new GitReadError('path_not_found', `“${path}” does not exist at this revision.`, { path });
}

/**
 * What the browser shows at `path`: a folder (git, or inside tracked data), a git file, a
 * tracked data file, or a tracked folder whose manifest is not on this device yet.
 */
export async function resolveBrowsePath(source: BrowseSource, path: string): Promise<BrowseTarget> {
  const segments = path.split('/').filter(Boolean);
  let folder = '';
  let current = await source.readPath('');
  const warnings: string[] = [];
  const pipelineOuts: PlacedOut[] = [];
  for (const [i, name] of segments.entries()) {
    if (current.type !== 'tree') throw notFound(path);
    pipelineOuts.push(...(await lockOutsInFolder(source, current.entries, warnings)));
    const here = folder ? `${folder}/${name}` : name;
    const last = i === segments.length - 1;
    const entry = current.entries.find((e) => e.name === name);
    if (entry?.type === 'tree') {
      current = await source.readPath(here);
      folder = here;
      continue;
    }
    if (entry) {
      if (!last) throw notFound(path);
      return entry.type === 'blob'
        ? { kind: 'git-file', path: here, oid: entry.oid, mode: entry.mode }
        : { kind: 'submodule', path: here, oid: entry.oid };
    }
    const out =
      (await outsInFolder(source, current.entries)).find((o) => o.fullPath === here) ??
      pipelineOuts.find((o) => o.fullPath === here);
    if (!out) {
      if (!pipelineOuts.some((o) => isUnder(o.fullPath, here))) throw notFound(path);
      // A folder not in git that pipeline outputs will be written into (`outputs/run1/model.pkl`).
      current = { type: 'tree', oid: '', path: here, entries: [] };
      folder = here;
      continue;
    }
    if (!out.isDir) {
      if (!last) throw notFound(path);
      return {
        kind: 'dvc-file',
        path: here,
        oid: out.oid,
        object: out.object,
        size: out.size,
        legacy: out.legacy,
        out,
      };
    }
    const manifest = await source.loadManifest(out.object);
    if (!manifest) return { kind: 'dvc-folder-missing', path: segments.join('/'), out };
    const sub = segments.slice(i + 1).join('/');
    const file = manifest.find((m) => m.relpath === sub);
    if (file) {
      // A manifest's files are hashed with the same algorithm as the folder (FORMATS §1.3).
      const object = objectId(out.algorithm, file.md5);
      return {
        kind: 'dvc-file',
        path: segments.join('/'),
        oid: file.md5,
        object,
        size: file.size,
        legacy: out.legacy,
        out,
      };
    }
    const entries = manifestEntries(out, manifest, sub);
    if (!entries) throw notFound(path);
    return { kind: 'dvc-folder', path: segments.join('/'), entries, out, warnings: [] };
  }
  if (current.type !== 'tree') throw notFound(path);
  pipelineOuts.push(...(await lockOutsInFolder(source, current.entries, warnings)));
  return {
    kind: 'folder',
    path: folder,
    entries: await overlayFolder(source, folder, current.entries, warnings, pipelineOuts),
    warnings,
  };
}
