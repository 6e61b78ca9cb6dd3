/**
 * What the catalog worker answers for one commit: every DVC-tracked output (from `.dvc` files and
 * every `dvc.lock`), every notebook in git, and the repository's byte totals, each with the last
 * commit that changed it. The Data, Models and Notebooks tabs draw from this; it is computed from
 * the device's git copy only, so they work offline.
 */

export interface CommitRef {
  oid: string;
  /** Seconds since the epoch (committer time). */
  time: number;
  message: string;
  author: string;
}

export interface DatasetEntry {
  /** Repository-relative path of the output. */
  path: string;
  /** The `.dvc` file or `dvc.lock` that records it. */
  recordedIn: string;
  /** The stage that produces it (dvc.lock outputs only). */
  stage: string | null;
  /** Stages whose deps name it (or a folder above it). */
  usedBy: string[];
  md5: string | null;
  /** False for `cache: false` outputs (metrics, plots kept in git): no DVC object to push. */
  cached: boolean;
  /** DVC 2 entry (md5-dos2unix hashing, old cache layout). */
  legacy: boolean;
  isDir: boolean;
  size: number | null;
  nfiles: number | null;
  /** Commits that changed its recorded hash, newest first (within the scanned history). */
  changes: CommitRef[];
}

export interface NotebookEntry {
  path: string;
  title: string | null;
  kernel: string | null;
  cells: number;
  /** A data URL of its first image output (small images only). */
  thumbnail: string | null;
  /** The first code cell's first lines, shown when there is no image. */
  preview: string;
  bytes: number;
  /** The last commit that changed it (within the scanned history). */
  lastChange: CommitRef | null;
  problem: string | null;
}

export interface Catalog {
  commit: string;
  datasets: DatasetEntry[];
  notebooks: NotebookEntry[];
  gitBytes: number;
  gitFiles: number;
  /** How many commits of history were scanned for "last changed" (first parents). */
  scanned: number;
  problems: string[];
}

export interface CatalogRequest {
  id: number;
  fsName: string;
  dir: string;
  commit: string;
}

export type CatalogResponse = { id: number; ok: true; catalog: Catalog } | { id: number; ok: false; message: string };
