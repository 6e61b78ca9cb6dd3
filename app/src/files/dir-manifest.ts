/**
 * Reads a DVC `.dir` manifest (FORMATS.md §1.3) and lists one folder of it, the way the
 * browser shows a DVC-tracked folder: its files with sizes and its subfolders with totals.
 * Unknown per-entry keys are ignored; sizes are present only when DVC wrote the manifest
 * `with_meta` (or Cairn did), otherwise they are null.
 */

export interface ManifestEntry {
  relpath: string;
  md5: string;
  size: number | null;
}

export class DirManifestError extends Error {
  override readonly name = 'DirManifestError';
  readonly code = 'DIR_MANIFEST_INVALID';
  constructor(
    message: string,
    readonly oid: string,
  ) {
    super(`data folder manifest ${oid}: ${message}`);
  }
}

const MD5 = /^[0-9a-f]{32}$/;

/** The entries of a `.dir` manifest, sorted by path. */
export function parseDirManifest(text: string, oid: string): ManifestEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DirManifestError(`not JSON (${(error as Error).message})`, oid);
  }
  if (!Array.isArray(value)) throw new DirManifestError('expected a JSON array', oid);
  const entries = value.map((raw, i): ManifestEntry => {
    const e = raw as Record<string, unknown> | null;
    if (!e || typeof e.relpath !== 'string' || typeof e.md5 !== 'string' || !MD5.test(e.md5)) {
      throw new DirManifestError(`entry ${i} needs a relpath and an md5`, oid);
    }
    const relpath = e.relpath.replace(/\\/g, '/');
    if (relpath.split('/').some((s) => s === '' || s === '.' || s === '..')) {
      throw new DirManifestError(`entry ${i} has an unsafe path “${e.relpath}”`, oid);
    }
    return { relpath, md5: e.md5, size: typeof e.size === 'number' ? e.size : null };
  });
  return entries.sort((a, b) => (a.relpath < b.relpath ? -1 : a.relpath > b.relpath ? 1 : 0));
}

export type ManifestChild =
  | { type: 'file'; name: string; relpath: string; md5: string; size: number | null }
  | { type: 'folder'; name: string; relpath: string; size: number | null; nfiles: number };

/**
 * The direct children of `sub` ('' = the top) inside a manifest: folders first, then files.
 * Returns null when nothing in the manifest lies under `sub`.
 */
export function listManifestFolder(entries: readonly ManifestEntry[], sub: string): ManifestChild[] | null {
  const prefix = sub ? `${sub}/` : '';
  const folders = new Map<string, { size: number | null; nfiles: number }>();
  const files: ManifestChild[] = [];
  for (const e of entries) {
    if (!e.relpath.startsWith(prefix)) continue;
    const rest = e.relpath.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) {
      files.push({ type: 'file', name: rest, relpath: e.relpath, md5: e.md5, size: e.size });
      continue;
    }
    const name = rest.slice(0, slash);
    const f = folders.get(name) ?? { size: 0, nfiles: 0 };
    f.nfiles++;
    f.size = f.size === null || e.size === null ? null : f.size + e.size;
    folders.set(name, f);
  }
  if (files.length === 0 && folders.size === 0) return null;
  const folderChildren: ManifestChild[] = [...folders]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, f]) => ({ type: 'folder', name, relpath: prefix + name, size: f.size, nfiles: f.nfiles }));
  return [...folderChildren, ...files];
}
