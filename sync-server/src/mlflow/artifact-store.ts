import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { finished, PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalid, MlflowError, notFound } from './errors.ts';

/**
 * MLflow artifacts on disk: `<data>/mlflow-artifacts/<repo id>/<artifact path>`. Artifact paths
 * are names, not file paths: each segment is checked (no empty, `.` or `..` segments, no
 * backslash or NUL, no temp-file prefix) before it touches the file system, and the resolved
 * path must still be inside the repository's folder. Uploads stream to a temp file in the
 * target folder, are fsynced, then renamed into place, so a reader sees the old file or the
 * whole new one, never a part.
 */

const TEMP_PREFIX = '.cairn-upload-';
const MAX_PATH_LENGTH = 1024;
const MAX_SEGMENT_LENGTH = 255;

export interface ArtifactEntry {
  /** Name relative to the listed folder. */
  name: string;
  isDir: boolean;
  size: number;
}

/**
 * Where the SHA-256 of each artifact is kept, beside (not inside) the artifacts so listings never
 * show it: `<data>/mlflow-artifact-checksums/<repo id>/<artifact path>.sha256` holding
 * `<sha256> <size>`. Written after the artifact; `cairn-server fsck` re-hashes against it.
 */
export function artifactChecksumsRootOf(dataDir: string): string {
  return path.join(dataDir, 'mlflow-artifact-checksums');
}

export function makeArtifactStore(dataDir: string) {
  const root = path.join(dataDir, 'mlflow-artifacts');
  const checksumsRoot = artifactChecksumsRootOf(dataDir);

  /** Validated segments of an artifact path ('' = the root). */
  function segments(artifactPath: string): string[] {
    if (artifactPath.length > MAX_PATH_LENGTH)
      throw invalid(`Artifact paths may be at most ${MAX_PATH_LENGTH} characters.`);
    const trimmed = artifactPath.replace(/^\/+|\/+$/g, '');
    if (trimmed === '') return [];
    const parts = trimmed.split('/');
    for (const seg of parts) {
      if (
        seg === '' ||
        seg === '.' ||
        seg === '..' ||
        seg.length > MAX_SEGMENT_LENGTH ||
        seg.includes('\\') ||
        seg.includes('\0') ||
        seg.startsWith(TEMP_PREFIX)
      ) {
        throw invalid(
          `Invalid artifact path ${JSON.stringify(artifactPath.slice(0, 200))}: segment ${JSON.stringify(seg.slice(0, 60))} is not allowed.`,
        );
      }
    }
    return parts;
  }

  function resolve(repoId: number, artifactPath: string): string {
    const base = path.join(root, String(repoId));
    const full = path.join(base, ...segments(artifactPath));
    if (full !== base && !full.startsWith(base + path.sep)) throw invalid('Invalid artifact path.');
    return full;
  }

  return {
    /** Stores a stream at `artifactPath`, atomically; returns the byte count. */
    async put(repoId: number, artifactPath: string, body: Readable, maxBytes: number): Promise<number> {
      if (segments(artifactPath).length === 0) throw invalid('An artifact upload needs a file path.');
      const target = resolve(repoId, artifactPath);
      const dir = path.dirname(target);
      try {
        fs.mkdirSync(dir, { recursive: true });
      } catch {
        throw invalid(`Cannot create the folder for ${artifactPath}: a file is in the way.`);
      }
      if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
        throw invalid(`Cannot upload to ${artifactPath}: it is a folder.`);
      }
      const temp = path.join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
      let size = 0;
      const sha256 = createHash('sha256');
      try {
        // Open synchronously: a stream opening in the background could create the temp file
        // after a failed upload already removed it, leaving it behind.
        const out = fs.createWriteStream(temp, { fd: fs.openSync(temp, 'wx') });
        // The body is relayed rather than made part of the pipeline: a failed write (full disk)
        // must not destroy the request's connection before the route answers 507.
        const relay = new PassThrough();
        finished(body, (err) => {
          if (err) relay.destroy(err);
        });
        body.pipe(relay);
        await pipeline(
          relay,
          async function* (source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              size += chunk.length;
              if (size > maxBytes)
                throw new MlflowError(
                  'INVALID_PARAMETER_VALUE',
                  `Artifacts may be at most ${maxBytes} bytes.`,
                  {},
                  413,
                );
              sha256.update(chunk);
              yield chunk;
            }
          },
          out,
        );
        const fd = fs.openSync(temp, 'r');
        try {
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
        fs.renameSync(temp, target);
        const dfd = fs.openSync(dir, 'r');
        try {
          fs.fsyncSync(dfd);
        } finally {
          fs.closeSync(dfd);
        }
        writeChecksum(
          `${path.join(checksumsRoot, path.relative(root, target))}.sha256`,
          `${sha256.digest('hex')} ${size}\n`,
        );
        return size;
      } catch (err) {
        fs.rmSync(temp, { force: true });
        throw err;
      }
    },

    /** The file at `artifactPath` and its size; RESOURCE_DOES_NOT_EXIST if absent or a folder. */
    file(repoId: number, artifactPath: string): { file: string; size: number } {
      const full = resolve(repoId, artifactPath);
      const st = fs.statSync(full, { throwIfNoEntry: false });
      if (!st?.isFile()) throw notFound(`No artifact at ${artifactPath}.`);
      return { file: full, size: st.size };
    },

    /** The entries of a folder (an absent folder is empty, as in MLflow). */
    list(repoId: number, artifactPath: string): ArtifactEntry[] {
      const full = resolve(repoId, artifactPath);
      let names: fs.Dirent[];
      try {
        names = fs.readdirSync(full, { withFileTypes: true });
      } catch {
        return [];
      }
      return names
        .filter((d) => !d.name.startsWith(TEMP_PREFIX) && (d.isFile() || d.isDirectory()))
        .map((d) => ({
          name: d.name,
          isDir: d.isDirectory(),
          size: d.isFile() ? fs.statSync(path.join(full, d.name)).size : 0,
        }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
  };
}

export type ArtifactStore = ReturnType<typeof makeArtifactStore>;

/** The artifact path of a run's root, when its artifact URI is served here (`mlflow-artifacts:/…`). */
export function artifactRootOf(artifactUri: string): string | null {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(artifactUri);
  return m ? m[1]!.replace(/\/+$/, '') : null;
}

/** Writes a checksum record atomically (temp + rename); a record that cannot be written is not fatal. */
function writeChecksum(file: string, text: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
  } catch {
    // fsck reports an artifact without a record as unverified, never as damaged.
  }
}
