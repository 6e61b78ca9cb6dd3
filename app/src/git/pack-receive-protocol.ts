/** Messages between a clone (pack-receive-client.ts) and its pack-receiving worker. */
import type { CairnError } from '@cairn/core/errors';

export interface PackReceiveRequest {
  url: string;
  headers: Record<string, string>;
  wants: readonly string[];
  depth?: number;
  /** Deepening a "latest only" clone: its `.git/shallow` and the commits it has. */
  shallow?: readonly string[];
  haves?: readonly string[];
  limitBytes: number;
  /** The repository's OPFS pack folder (git-packs.ts packFolderName). */
  folderName: string;
}

export type PackReceiveReply =
  | { type: 'progress'; progress: { phase: string; loaded: number; total?: number } }
  | {
      type: 'done';
      /** The pack's `.idx`, for lightning-fs. */
      idx: Uint8Array;
      packHash: string;
      objects: number;
      shallow: string[];
      unshallow: string[];
      bytes: number;
    }
  /** This browser's workers cannot write OPFS files by sync handle: receive the pack another way. */
  | { type: 'unsupported' }
  | { type: 'failed'; error: ReturnType<CairnError['toJSON']> };
