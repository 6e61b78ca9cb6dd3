import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { finished, PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { artifactFileSegments, artifactSegments, TEMP_PREFIX } from './artifact-paths.ts';
import {
  type ArtifactEntry,
  type ArtifactStore,
  artifactChecksumsRootOf,
  formatChecksum,
  parseChecksum,
} from './artifact-store.ts';
import { artifactTooLarge, invalid, notFound } from './errors.ts';

/**
 * MLflow artifacts on disk: `<data>/mlflow-artifacts/<repo id>/<artifact path>`, the resolved
 * path checked to stay inside the repository's folder. Uploads stream to a temp file in the
 * target folder, are fsynced, then renamed into place, so a reader sees the old file or the
 * whole new one, never a part. The SHA-256 record (`<data>/mlflow-artifact-checksums/…`) is
 * written after the artifact; `cairn-server fsck` re-hashes against it.
 */
export function makeDiskArtifactStore(dataDir: string): ArtifactStore {
  const root = path.join(dataDir, 'mlflow-artifacts');
  const checksumsRoot = artifactChecksumsRootOf(dataDir);

  function resolve(repoId: number, segs: string[]): string {
    const base = path.join(root, String(repoId));
    const full = path.join(base, ...segs);
    if (full !== base && !full.startsWith(base + path.sep)) throw invalid('Invalid artifact path.');
    return full;
  }
  const checksumFileOf = (target: string) => `${path.join(checksumsRoot, path.relative(root, target))}.sha256`;

  return {
    async put(repoId, artifactPath, body, maxBytes) {
      const target = resolve(repoId, artifactFileSegments(artifactPath));
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
              if (size > maxBytes) throw artifactTooLarge(maxBytes);
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
        writeChecksum(checksumFileOf(target), formatChecksum({ sha256: sha256.digest('hex'), size }));
        return size;
      } catch (err) {
        fs.rmSync(temp, { force: true });
        throw err;
      }
    },

    async open(repoId, artifactPath) {
      const full = resolve(repoId, artifactSegments(artifactPath));
      const st = fs.statSync(full, { throwIfNoEntry: false });
      if (!st?.isFile()) throw notFound(`No artifact at ${artifactPath}.`);
      return { size: st.size, read: () => fs.createReadStream(full) };
    },

    async list(repoId, artifactPath) {
      const full = resolve(repoId, artifactSegments(artifactPath));
      let names: fs.Dirent[];
      try {
        names = fs.readdirSync(full, { withFileTypes: true });
      } catch {
        return [];
      }
      return names
        .filter((d) => !d.name.startsWith(TEMP_PREFIX) && (d.isFile() || d.isDirectory()))
        .map(
          (d): ArtifactEntry => ({
            name: d.name,
            isDir: d.isDirectory(),
            size: d.isFile() ? fs.statSync(path.join(full, d.name)).size : 0,
          }),
        )
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    async removeRepo(repoId) {
      // (repos/repo-lifecycle.ts moves these folders aside first, so that a failed delete can be undone.)
      await fsp.rm(path.join(root, String(repoId)), { recursive: true, force: true });
      await fsp.rm(path.join(checksumsRoot, String(repoId)), { recursive: true, force: true });
    },

    async checksum(repoId, artifactPath) {
      const full = resolve(repoId, artifactFileSegments(artifactPath));
      try {
        return parseChecksum(fs.readFileSync(checksumFileOf(full), 'utf8'));
      } catch {
        return null;
      }
    },
  };
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
