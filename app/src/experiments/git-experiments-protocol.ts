/** Messages between the experiments view and its git-scanning worker. */
import type { GitExperiment } from '@cairn/core/experiments';

export interface ScanRequest {
  id: number;
  /** The lightning-fs database holding the repository (RepoRow.fsName). */
  fsName: string;
  dir: string;
  /** `owner/name`: keys the scanner's per-commit cache in the experiments database. */
  repo: string;
}

export type ScanResponse =
  | { id: number; ok: true; experiments: GitExperiment[]; ms: number }
  | { id: number; ok: false; message: string };
