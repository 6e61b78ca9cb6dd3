import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { s3Send, s3StatusOf, s3StoreError } from '../blobs/s3-errors.ts';
import { DEFAULT_PART_SIZE, streamUpload } from '../blobs/s3-stream-upload.ts';
import type { UploadMemory } from '../blobs/upload-memory.ts';
import { artifactFileSegments, artifactSegments } from './artifact-paths.ts';
import { type ArtifactEntry, type ArtifactStore, formatChecksum, parseChecksum } from './artifact-store.ts';
import { artifactTooLarge, invalid, notFound } from './errors.ts';

export interface S3ArtifactStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix of the installation, without trailing slash ('' for the bucket's root). */
  prefix: string;
  /** Bytes per multipart part (at least 5 MiB). */
  partSize?: number;
  /** The process's budget for part buffers, shared with its other stores (upload-memory.ts). */
  memory?: UploadMemory;
}

const MiB = 1024 * 1024;

/**
 * MLflow artifacts in an S3-compatible bucket: `PREFIX/mlflow-artifacts/<repo id>/<path>`, the
 * disk store's layout, with each artifact's SHA-256 record in a sidecar object
 * `PREFIX/mlflow-artifact-checksums/<repo id>/<path>.sha256` (outside the listed tree; object
 * metadata cannot carry it, since a multipart upload's metadata is fixed before the first byte).
 *
 * Uploads stream through blobs/s3-stream-upload.ts: the object appears under its key only after
 * every byte arrived within the size limit, replacing any old one atomically. The record is
 * written after the artifact; a record whose size disagrees with the object (a crash between
 * the two on overwrite) is treated as absent, as the disk store treats a missing record.
 *
 * S3 has no folders: a key `a` and a key `a/b` could both exist. The disk store cannot hold
 * both, and listings would show `a` twice, so uploads refuse a path with a file on the way or a
 * folder under it, as on disk (checked before the upload; two racing uploads could still make
 * both, which listings then show as they come).
 */
/** Where the S3 artifact store keeps what, for the operator commands that read the bucket (ops/). */
export function s3ArtifactLayout(prefix: string) {
  const root = prefix === '' ? '' : `${prefix}/`;
  return {
    /** Prefix of every artifact key: `<artifacts><repo id>/<artifact path>`. */
    artifacts: `${root}mlflow-artifacts/`,
    checksumKeyOf: (repoId: number, artifactPath: string) =>
      `${root}mlflow-artifact-checksums/${repoId}/${artifactPath}.sha256`,
  };
}

export function makeS3ArtifactStore(opts: S3ArtifactStoreOptions): ArtifactStore {
  const { client, bucket } = opts;
  const layout = s3ArtifactLayout(opts.prefix);
  const keyOf = (repoId: number, segs: string[]) => `${layout.artifacts}${repoId}/${segs.join('/')}`;
  const checksumKeyOf = (repoId: number, segs: string[]) => layout.checksumKeyOf(repoId, segs.join('/'));

  async function head(key: string): Promise<{ size: number } | null> {
    try {
      const r = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { size: Number(r.ContentLength ?? 0) };
    } catch (err) {
      if (s3StatusOf(err) === 404) return null;
      throw s3StoreError(err);
    }
  }

  async function hasKeysUnder(prefix: string): Promise<boolean> {
    const r = await s3Send(() => client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 })));
    return (r.KeyCount ?? r.Contents?.length ?? 0) > 0;
  }

  async function getText(key: string): Promise<string | null> {
    try {
      const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await text(r.Body as Readable);
    } catch (err) {
      if (s3StatusOf(err) === 404) return null;
      throw s3StoreError(err);
    }
  }

  return {
    async put(repoId, artifactPath, body, maxBytes) {
      // The body may fail (a client going away) while the checks below wait on the bucket: the
      // upload's loop sees that error as a rejection; unheard meanwhile, it would end the process.
      body.on('error', () => {});
      const segs = artifactFileSegments(artifactPath);
      const key = keyOf(repoId, segs);
      const [ancestors, folder] = await Promise.all([
        Promise.all(segs.slice(0, -1).map((_, i) => head(keyOf(repoId, segs.slice(0, i + 1))))),
        hasKeysUnder(`${key}/`),
      ]);
      if (ancestors.some((a) => a !== null))
        throw invalid(`Cannot create the folder for ${artifactPath}: a file is in the way.`);
      if (folder) throw invalid(`Cannot upload to ${artifactPath}: it is a folder.`);
      const sha256 = createHash('sha256');
      let received = 0;
      const { size } = await streamUpload({
        client,
        bucket,
        key,
        source: body,
        partSize: opts.partSize ?? DEFAULT_PART_SIZE,
        memory: opts.memory,
        onChunk(chunk) {
          received += chunk.length;
          if (received > maxBytes) throw artifactTooLarge(maxBytes);
          sha256.update(chunk);
        },
      });
      await s3Send(() =>
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: checksumKeyOf(repoId, segs),
            Body: formatChecksum({ sha256: sha256.digest('hex'), size }),
            ContentType: 'text/plain',
          }),
        ),
      );
      return size;
    },

    async open(repoId, artifactPath) {
      const segs = artifactSegments(artifactPath);
      const found = segs.length > 0 ? await head(keyOf(repoId, segs)) : null;
      if (!found) throw notFound(`No artifact at ${artifactPath}.`);
      const key = keyOf(repoId, segs);
      return {
        size: found.size,
        read() {
          const out = new PassThrough({ highWaterMark: MiB });
          const abort = new AbortController();
          // A reader that goes away (an HTTP client hanging up) ends the GET too.
          out.on('close', () => abort.abort());
          void (async () => {
            const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
              abortSignal: abort.signal,
            });
            await pipeline(r.Body as Readable, out);
          })().catch((err) => {
            if (!out.destroyed) out.destroy(s3StoreError(err));
          });
          return out;
        },
      };
    },

    async list(repoId, artifactPath) {
      const segs = artifactSegments(artifactPath);
      const prefix = segs.length === 0 ? `${layout.artifacts}${repoId}/` : `${keyOf(repoId, segs)}/`;
      const entries: ArtifactEntry[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await s3Send(() =>
          client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken })),
        );
        for (const p of page.CommonPrefixes ?? [])
          if (p.Prefix) entries.push({ name: p.Prefix.slice(prefix.length, -1), isDir: true, size: 0 });
        for (const o of page.Contents ?? [])
          if (o.Key) entries.push({ name: o.Key.slice(prefix.length), isDir: false, size: Number(o.Size ?? 0) });
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    async removeRepo(repoId) {
      for (const prefix of [
        `${layout.artifacts}${repoId}/`,
        layout.checksumKeyOf(repoId, '').replace(/\.sha256$/, ''),
      ]) {
        // Listing from the start each time: the keys of the page before are gone.
        for (;;) {
          const page = await s3Send(() =>
            client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1000 })),
          );
          const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
          if (keys.length === 0) break;
          await s3Send(() =>
            client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } })),
          );
        }
      }
    },

    async checksum(repoId, artifactPath) {
      const segs = artifactFileSegments(artifactPath);
      const [record, object] = await Promise.all([getText(checksumKeyOf(repoId, segs)), head(keyOf(repoId, segs))]);
      const parsed = record === null ? null : parseChecksum(record);
      return parsed && object && parsed.size === object.size ? parsed : null;
    },
  };
}
