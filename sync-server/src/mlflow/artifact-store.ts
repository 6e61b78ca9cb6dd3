import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where MLflow artifacts are kept, per repository, under their artifact path: on disk
 * (disk-artifact-store.ts, the default) or in an S3-compatible bucket (s3-artifact-store.ts,
 * CAIRN_BLOBS=s3://…). Both pass artifact-store-conformance.ts.
 *
 * Promises every store keeps: an upload becomes visible only whole (a reader sees the old bytes
 * or all the new ones); paths are validated (artifact-paths.ts) before they reach the store; a
 * file never hides a folder or the other way round; the SHA-256 and size of each artifact are
 * recorded beside it (never in listings) for `cairn-server fsck` and `migrate`.
 */
export interface ArtifactStore {
  /** Stores `body` at `artifactPath`, atomically; resolves with the byte count. */
  put(repoId: number, artifactPath: string, body: Readable, maxBytes: number): Promise<number>;
  /** The artifact's size and a reader of its bytes; RESOURCE_DOES_NOT_EXIST if absent or a folder. */
  open(repoId: number, artifactPath: string): Promise<{ size: number; read(): Readable }>;
  /** The entries of a folder, sorted by name (an absent folder is empty, as in MLflow). */
  list(repoId: number, artifactPath: string): Promise<ArtifactEntry[]>;
  /** The SHA-256 and size recorded at upload, or null (no such artifact, or stored before records). */
  checksum(repoId: number, artifactPath: string): Promise<ArtifactChecksum | null>;
  /** Removes every artifact of the repository and their records (the repository was deleted). */
  removeRepo(repoId: number): Promise<void>;
}

export interface ArtifactEntry {
  /** Name relative to the listed folder. */
  name: string;
  isDir: boolean;
  size: number;
}

export interface ArtifactChecksum {
  sha256: string;
  size: number;
}

/** A checksum record's text: `<sha256> <size>\n` (the disk store's `.sha256` files, the S3 store's sidecar objects). */
export function formatChecksum(c: ArtifactChecksum): string {
  return `${c.sha256} ${c.size}\n`;
}

export function parseChecksum(text: string): ArtifactChecksum | null {
  const m = /^([0-9a-f]{64}) (\d+)\s*$/.exec(text);
  return m ? { sha256: m[1] as string, size: Number(m[2]) } : null;
}

/**
 * Where the disk store keeps the SHA-256 of each artifact, beside (not inside) the artifacts so
 * listings never show it: `<data>/mlflow-artifact-checksums/<repo id>/<artifact path>.sha256`.
 */
export function artifactChecksumsRootOf(dataDir: string): string {
  return path.join(dataDir, 'mlflow-artifact-checksums');
}

/** The artifact path of a run's root, when its artifact URI is served here (`mlflow-artifacts:/…`). */
export function artifactRootOf(artifactUri: string): string | null {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(artifactUri);
  return m ? m[1]!.replace(/\/+$/, '') : null;
}
