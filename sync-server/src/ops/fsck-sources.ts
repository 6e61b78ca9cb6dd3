import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { HashAlgorithm } from '@cairn/core';
import { s3Send, s3StatusOf, s3StoreError } from '../blobs/s3-errors.ts';
import type { BlobsConfig } from '../config.ts';
import type { SqlQueries } from '../db/sql.ts';
import { TEMP_PREFIX } from '../mlflow/artifact-paths.ts';
import { artifactChecksumsRootOf } from '../mlflow/artifact-store.ts';
import { s3ArtifactLayout } from '../mlflow/s3-artifact-store.ts';
import { listBlobFiles } from './blob-files.ts';
import { artifactsRootOf, type BlobArea, blobAreasOf, type IndexRow, type RepoRow } from './data-layout.ts';

/**
 * What `cairn-server fsck` reads, wherever the installation keeps it: DVC objects and MLflow
 * artifacts on disk (`DATA/blobs/`, `DATA/mlflow-artifacts/`) or in the S3 bucket of CAIRN_BLOBS,
 * and the tables in SQLite or PostgreSQL (`tablesOf`, over the server's own SqlQueries).
 */
export interface ObjectArea {
  algorithm: HashAlgorithm;
  indexPrefix: BlobArea['indexPrefix'];
  /** Every object of the area (md5, size, where, for reports) and what is not an object. */
  list(): Promise<{ objects: Array<{ md5: string; size: number; where: string }>; foreign: string[] }>;
  read(md5: string): Readable | Promise<Readable>;
}

export interface ArtifactFiles {
  /** Every artifact of every repository folder; `repoId` null for folders of no number. */
  list(): Promise<{
    files: Array<{ repoId: number; rel: string; where: string }>;
    strayDirs: Array<{ name: string; where: string }>;
    foreign: string[];
  }>;
  read(repoId: number, rel: string): Readable | Promise<Readable>;
  /** The `<sha256> <size>` record kept at upload, or null. */
  record(repoId: number, rel: string): Promise<string | null>;
}

export function diskObjectAreas(dataDir: string): ObjectArea[] {
  return blobAreasOf(dataDir).map((area) => ({
    algorithm: area.algorithm,
    indexPrefix: area.indexPrefix,
    async list() {
      const { blobs, foreign } = await listBlobFiles(area.root);
      return { objects: blobs.map((b) => ({ md5: b.md5, size: b.size, where: b.file })), foreign };
    },
    read: (md5) => fs.createReadStream(path.join(area.root, md5.slice(0, 2), md5.slice(2)), { highWaterMark: 1 << 20 }),
  }));
}

export function diskArtifactFiles(dataDir: string): ArtifactFiles {
  const root = artifactsRootOf(dataDir);
  const fileOf = (repoId: number, rel: string) => path.join(root, String(repoId), ...rel.split('/'));
  return {
    async list() {
      const files: Array<{ repoId: number; rel: string; where: string }> = [];
      const strayDirs: Array<{ name: string; where: string }> = [];
      const foreign: string[] = [];
      for (const name of await readdirOrEmpty(root)) {
        const dir = path.join(root, name);
        if (!/^\d+$/.test(name)) {
          strayDirs.push({ name, where: dir });
          continue;
        }
        for (const rel of ((await fsp.readdir(dir, { recursive: true })) as string[]).sort()) {
          const file = path.join(dir, rel);
          if (!(await fsp.lstat(file)).isFile()) continue;
          if (path.basename(file).startsWith(TEMP_PREFIX)) foreign.push(file);
          else files.push({ repoId: Number(name), rel: rel.split(path.sep).join('/'), where: file });
        }
      }
      return { files, strayDirs, foreign };
    },
    read: (repoId, rel) => fs.createReadStream(fileOf(repoId, rel), { highWaterMark: 1 << 20 }),
    record: (repoId, rel) =>
      fsp.readFile(path.join(artifactChecksumsRootOf(dataDir), String(repoId), `${rel}.sha256`), 'utf8').then(
        (t) => t,
        () => null,
      ),
  };
}

/** Every key under `prefix`, page by page (never more than one page in memory at once is not needed here: fsck lists all). */
async function listKeys(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<Array<{ key: string; size: number }>> {
  const out: Array<{ key: string; size: number }> = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3Send(() =>
      client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken })),
    );
    for (const o of page.Contents ?? []) if (o.Key) out.push({ key: o.Key, size: Number(o.Size ?? 0) });
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return out;
}

async function getObject(client: S3Client, bucket: string, key: string): Promise<Readable> {
  return s3Send(async () => (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body as Readable);
}

/** The areas as the S3 blob store lays them out (blobs/shared-store.ts): `PREFIX/md5/ab/cdef…`. */
export function s3ObjectAreas(client: S3Client, config: Extract<BlobsConfig, { kind: 's3' }>): ObjectArea[] {
  const root = config.prefix ? `${config.prefix}/` : '';
  const areas: Array<[HashAlgorithm, BlobArea['indexPrefix']]> = [
    ['md5', ''],
    ['md5-dos2unix', 'dvc2/'],
  ];
  return areas.map(([algorithm, indexPrefix]) => {
    const under = `${root}${algorithm}/`;
    return {
      algorithm,
      indexPrefix,
      async list() {
        const objects: Array<{ md5: string; size: number; where: string }> = [];
        const foreign: string[] = [];
        for (const { key, size } of await listKeys(client, config.bucket, under)) {
          const rest = key.slice(under.length);
          if (rest.startsWith('.touched/')) continue; // gc's "in use now" markers
          const m = /^([0-9a-f]{2})\/([0-9a-f]{30})$/.exec(rest);
          if (m) objects.push({ md5: `${m[1]}${m[2]}`, size, where: `s3://${config.bucket}/${key}` });
          else foreign.push(`s3://${config.bucket}/${key}`);
        }
        return { objects, foreign };
      },
      read: (md5) => getObject(client, config.bucket, `${under}${md5.slice(0, 2)}/${md5.slice(2)}`),
    };
  });
}

export function s3ArtifactFiles(client: S3Client, config: Extract<BlobsConfig, { kind: 's3' }>): ArtifactFiles {
  const layout = s3ArtifactLayout(config.prefix);
  return {
    async list() {
      const files: Array<{ repoId: number; rel: string; where: string }> = [];
      const strays = new Map<string, string>();
      for (const { key } of await listKeys(client, config.bucket, layout.artifacts)) {
        const rest = key.slice(layout.artifacts.length);
        const slash = rest.indexOf('/');
        const name = rest.slice(0, slash);
        if (slash < 0 || !/^\d+$/.test(name))
          strays.set(name || rest, `s3://${config.bucket}/${layout.artifacts}${name || rest}`);
        else files.push({ repoId: Number(name), rel: rest.slice(slash + 1), where: `s3://${config.bucket}/${key}` });
      }
      return { files, strayDirs: [...strays].map(([name, where]) => ({ name, where })), foreign: [] };
    },
    read: (repoId, rel) => getObject(client, config.bucket, `${layout.artifacts}${repoId}/${rel}`),
    async record(repoId, rel) {
      try {
        const r = await client.send(
          new GetObjectCommand({ Bucket: config.bucket, Key: layout.checksumKeyOf(repoId, rel) }),
        );
        return await text(r.Body as Readable);
      } catch (err) {
        if (s3StatusOf(err) === 404) return null;
        throw s3StoreError(err);
      }
    },
  };
}

/** The repositories and the DVC object index, read through the server's SqlQueries (SQLite or PostgreSQL). */
export async function tablesOf(sql: SqlQueries): Promise<{ repos: RepoRow[]; index: IndexRow[] }> {
  return { repos: await reposOf(sql), index: await indexOf(sql) };
}

export async function reposOf(sql: SqlQueries): Promise<RepoRow[]> {
  return (
    await sql.all<{ id: number; fullName: string }>(
      `SELECT r.id AS id, u.username || '/' || r.name AS "fullName" FROM repositories r JOIN users u ON u.id = r.owner_id ORDER BY r.id`,
    )
  ).map((r) => ({ id: Number(r.id), fullName: String(r.fullName) }));
}

export async function indexOf(sql: SqlQueries): Promise<IndexRow[]> {
  return (
    await sql.all<{ repoId: number; key: string; size: number; createdAt: number }>(
      `SELECT repo_id AS "repoId", oid AS key, size, created_at AS "createdAt" FROM dvc_objects`,
    )
  ).map((r) => ({
    repoId: Number(r.repoId),
    key: String(r.key),
    size: Number(r.size),
    createdAt: Number(r.createdAt),
  }));
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return (await fsp.readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
