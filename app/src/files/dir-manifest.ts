/**
 * A DVC `.dir` manifest (docs/FORMATS.md §1.3) as the browser lists it. Parsing and relpath safety
 * are core's (`parseDirManifest`: a relpath that is absolute or has `..`/empty segments is
 * refused); this module reshapes entries (sizes null when DVC wrote the manifest without meta)
 * and lists one folder level: files with sizes, subfolders with totals.
 */
import { parseDirManifest as parseCoreManifest, sortDirEntries } from '@cairn/core/hash';

export interface ManifestEntry {
  relpath: string;
  md5: string;
  size: number | null;
}

/**
 * The entries of a `.dir` manifest, sorted by path (code-point order, as DVC sorts).
 * @param file what to call the manifest in errors (its object id, or the tracked folder)
 * @throws ParseError (core's: `json_syntax` or `schema`, with `file` and the entry's `path`)
 */
export function parseDirManifest(text: string, file: string): ManifestEntry[] {
  const parsed = parseCoreManifest(text, file);
  if (!parsed.ok) throw parsed.error;
  return sortDirEntries(parsed.value).map((e) => ({ relpath: e.relpath, md5: e.md5, size: e.size ?? null }));
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
