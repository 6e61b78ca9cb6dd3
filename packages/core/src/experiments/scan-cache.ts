/**
 * What the scanner learned about each commit, kept across sessions: a commit is immutable, so
 * its analysis (experiment files, parsed params and metrics, parents) never changes — only the
 * scanner's code can, so every entry carries SCAN_FORMAT_VERSION and other versions are ignored
 * (and overwritten). The app keeps entries in its experiments Dexie database; a reload then
 * reads only commits it has not seen.
 */

import type { GitCommitInfo } from '../git/git-reader.ts';
import type { MetricPoint } from '../runs/run.ts';
import type { ExperimentProblem } from './git-experiment.ts';

/** Bump whenever what the scanner derives from a commit changes (parsing, naming, signatures). */
export const SCAN_FORMAT_VERSION = 6;

/** One commit's analysis, independent of which refs reach it. Plain data (structured-clone safe). */
export interface CommitAnalysis {
  commit: GitCommitInfo;
  /** Every experiment file in the commit's tree (path, blob oid), sorted by path. */
  files: [string, string][];
  /** (path → blob oid) of the params files, and of the metrics files (or dvc.lock for DVC data). */
  paramsSig: string;
  metricsSig: string;
  params: Record<string, string>;
  /** Every metric point of the metrics files (empty when `historyOmitted`). */
  history: MetricPoint[];
  /** How many points the metrics files hold (kept when the history itself is omitted). */
  historyPoints: number;
  /**
   * The cache left the history out: the commit has its first parent's metrics files, so it is
   * never shown as a run with metrics of its own (the scanner reads it again if ever needed).
   */
  historyOmitted?: boolean;
  paramsFiles: string[];
  metricsFiles: string[];
  dvcMetricsFiles: string[];
  /** Output path → md5 from dvc.lock (added in format 6). */
  outs?: Record<string, string>;
  missingMetrics: boolean;
  problems: ExperimentProblem[];
}

export interface ScanCacheEntry {
  version: number;
  oid: string;
  analysis: CommitAnalysis;
}

/** Where a scanner keeps its per-commit results between sessions. */
export interface ScanCache {
  /** Every stored entry (any version; the scanner skips others). */
  load(): Promise<ScanCacheEntry[]>;
  save(entries: ScanCacheEntry[]): Promise<void>;
  /**
   * Drops entries of commits no ref reaches any more (a deleted branch, a removed DVC
   * experiment), after a scan that walked the whole history. Optional.
   */
  prune?(keep: ReadonlySet<string>): Promise<void>;
}
