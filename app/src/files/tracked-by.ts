/** How the browser names where a piece of data comes from: a `.dvc` file or a pipeline stage. */
import type { BrowseEntry, PlacedOut } from './dvc-overlay.ts';

export function trackedBy(out: Pick<PlacedOut, 'pointer' | 'stage'>): string {
  return out.stage
    ? `output of pipeline stage “${out.stage}” (${out.pointer})`
    : `data tracked with DVC by ${out.pointer}`;
}

/** Files and bytes below a listing, from its entries; null parts when an entry does not say. */
export function folderTotals(entries: readonly BrowseEntry[]): { nfiles: number | null; size: number | null } {
  let nfiles: number | null = 0;
  let size: number | null = 0;
  for (const e of entries) {
    if (nfiles !== null) nfiles = e.type === 'folder' ? (e.nfiles === null ? null : nfiles + e.nfiles) : nfiles + 1;
    if (size !== null) size = e.size === null ? null : size + e.size;
  }
  return { nfiles, size };
}

/** "32 files · 1.2 MB", "32 files", "1.2 MB" or "" — never a dangling separator. */
export function countAndSize(nfiles: number | null, size: string): string {
  const count = nfiles === null ? '' : `${nfiles.toLocaleString('en')} ${nfiles === 1 ? 'file' : 'files'}`;
  return [count, size].filter(Boolean).join(' · ');
}

/**
 * Files and bytes of `path` inside the tracked `out`: at its root (or with no listing yet) the
 * figures its `.dvc`/`dvc.lock` entry records — DVC 3 manifests carry no sizes, so summing the
 * listing would say nothing — inside it, the totals of the folder shown.
 */
export function dataTotals(
  out: Pick<PlacedOut, 'fullPath' | 'size' | 'nfiles'>,
  path: string,
  entries: readonly BrowseEntry[] | null,
): { nfiles: number | null; size: number | null } {
  if (path === out.fullPath || !entries) return { nfiles: out.nfiles, size: out.size };
  return folderTotals(entries);
}
