import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import {
  type _Object,
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { HashAlgorithm } from '@cairn/core';
import { s3Send, s3StatusOf, s3StoreError } from '../blobs/s3-errors.ts';
import type { BlobsConfig } from '../config.ts';
import type { SqlDatabase } from '../db/sql.ts';
import { type BlobArea, gitDirOf, type IndexRow, splitIndexKey } from './data-layout.ts';
import { indexOf, reposOf } from './fsck-sources.ts';
import { type GcOptions, type GcReport, indexLiveness, type Scan, scanRepo, startGc } from './gc.ts';
import { refSnapshot } from './repo-references.ts';

/**
 * `cairn-server gc` of a data folder whose DVC objects are in S3 (CAIRN_BLOBS): the disk GC's
 * decisions (gc.ts: every repository's history read first, failing closed; an index row dead
 * when its repository's history does not name the object and it is older than the grace) over the
 * bucket, listed one page at a time. An object's time is the newer of its LastModified and its
 * "in use now" marker (`AREA/.touched/MD5`, written by the S3 store's `touch`).
 *
 * S3 cannot rename, so removal copies the object to `PREFIX/gc-trash/RUN/…` (server side), deletes
 * it, and only then reads its marker again: the store's `touch` writes the marker *before* it
 * checks the object is there, so a client told "present" either wrote its marker before this read
 * — and the object is copied back — or found the object gone and uploads it again. Index rows are
 * dropped only while the object is still absent; pushes that landed meanwhile put back what they
 * name, rows and bytes, before the trash is emptied. Objects over CopyObject's 5 GiB are kept and
 * listed (`notRemoved`): copying them would need a multipart copy, not built yet.
 */
export interface S3GcOptions extends GcOptions {
  /** The data folder's tables: SQLite's (db/sqlite-sql.ts) or PostgreSQL's. */
  sql: SqlDatabase;
  client: S3Client;
  blobs: Extract<BlobsConfig, { kind: 's3' }>;
  /** Keys per listing page (S3's default and maximum: 1,000). */
  listPageSize?: number;
}

/** S3's largest single CopyObject. */
const MAX_COPY_BYTES = 5 * 1024 ** 3;

const AREAS: Array<{ algorithm: HashAlgorithm; indexPrefix: BlobArea['indexPrefix'] }> = [
  { algorithm: 'md5', indexPrefix: '' },
  { algorithm: 'md5-dos2unix', indexPrefix: 'dvc2/' },
];

interface Doomed {
  algorithm: HashAlgorithm;
  md5: string;
  size: number;
  key: string;
  marker: string;
  rows: IndexRow[];
}

export async function gcS3(dataDir: string, opts: S3GcOptions): Promise<GcReport> {
  const { sql, client } = opts;
  const bucket = opts.blobs.bucket;
  const { graceSeconds, now, progress, dryRun, report } = startGc(dataDir, opts);
  report.notRemoved = [];
  const root = opts.blobs.prefix ? `${opts.blobs.prefix}/` : '';
  const areaRoot = (algorithm: HashAlgorithm) => `${root}${algorithm}/`;
  const keyOf = (algorithm: HashAlgorithm, md5: string) => `${areaRoot(algorithm)}${md5.slice(0, 2)}/${md5.slice(2)}`;

  const head = async (key: string): Promise<{ time: number } | null> => {
    try {
      const r = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { time: r.LastModified?.getTime() ?? 0 };
    } catch (err) {
      if (s3StatusOf(err) === 404) return null;
      throw s3StoreError(err);
    }
  };
  const copy = (from: string, to: string) =>
    s3Send(() => client.send(new CopyObjectCommand({ Bucket: bucket, Key: to, CopySource: copySource(bucket, from) })));
  const remove = (key: string) => s3Send(() => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
  const readManifests = async (md5: string): Promise<string[]> => {
    const texts: string[] = [];
    for (const { algorithm } of AREAS) {
      try {
        const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(algorithm, md5) }));
        texts.push(await text(r.Body as Readable));
      } catch (err) {
        if (s3StatusOf(err) !== 404) throw s3StoreError(err);
      }
    }
    return texts;
  };

  const repos = await reposOf(sql);
  const scan: Scan = { refs: new Map(), referenced: new Map(), keepAll: new Map() };
  for (const [i, repo] of repos.entries()) {
    await progress('reading repositories', i + 1, repos.length);
    try {
      report.repositories.push(await scanRepo(dataDir, readManifests, repo, scan));
    } catch (err) {
      report.aborted = { repo: repo.fullName, error: (err as Error).message.slice(0, 2000) };
      return report;
    }
  }

  // Read after the scan: rows added since are young, and kept by the grace period.
  const cutoff = now() - graceSeconds * 1000;
  const { nameOf, rowIsLive, rowsOf } = indexLiveness(repos, scan, await indexOf(sql), cutoff);
  const doomed: Doomed[] = [];
  for (const { algorithm, indexPrefix } of AREAS) {
    const under = areaRoot(algorithm);
    const touched = new Map<string, number>();
    for await (const page of pages(client, bucket, `${under}.touched/`, opts.listPageSize))
      for (const o of page) touched.set(o.Key?.slice(`${under}.touched/`.length) ?? '', timeOf(o));
    for await (const page of pages(client, bucket, under, opts.listPageSize)) {
      for (const o of page) {
        const m = /^([0-9a-f]{2})\/([0-9a-f]{30})$/.exec(o.Key?.slice(under.length) ?? '');
        if (!m) continue; // markers, and anything not an object (fsck lists those)
        const md5 = `${m[1]}${m[2]}`;
        if (Math.max(timeOf(o), touched.get(md5) ?? 0) > cutoff) continue;
        const rows = rowsOf.get(`${indexPrefix}${md5}`) ?? [];
        if (rows.some(rowIsLive)) continue;
        const size = Number(o.Size ?? 0);
        if (size > MAX_COPY_BYTES) {
          report.notRemoved?.push({ area: algorithm, md5, size, reason: 'larger than 5 GiB (S3 multipart copy)' });
          continue;
        }
        doomed.push({ algorithm, md5, size, key: o.Key as string, marker: `${under}.touched/${md5}`, rows });
      }
    }
  }
  for (const d of doomed) {
    report.objects.push({
      area: d.algorithm,
      md5: d.md5,
      size: d.size,
      repos: [...new Set(d.rows.map((r) => nameOf.get(r.repoId) ?? `#${r.repoId}`))],
    });
    report.bytes += d.size;
  }
  if (dryRun || doomed.length === 0) return report;

  // Removal (see the header comment).
  const trashRoot = `${root}gc-trash/${new Date(now()).toISOString().replace(/[:.]/g, '-')}/`;
  const trashOf = (d: Doomed) => `${trashRoot}${d.algorithm}/${d.md5}`;
  const trashed: Array<Doomed & { dropped: IndexRow[] }> = [];
  for (const [i, d] of doomed.entries()) {
    await progress('removing', i + 1, doomed.length);
    if (!(await head(d.key))) continue; // removed meanwhile
    await copy(d.key, trashOf(d));
    await remove(d.key);
    const marker = await head(d.marker);
    if (marker && marker.time > cutoff) {
      // In use again just now: back in service, unless an upload already wrote it again.
      if (!(await head(d.key))) await copy(trashOf(d), d.key);
      await remove(trashOf(d));
      report.restored.push(d.md5);
      continue;
    }
    const dropped = await sql.transaction(async (tx) => {
      // An upload that found the object gone writes a new copy before its index row.
      if (await head(d.key)) return [];
      const out: IndexRow[] = [];
      for (const r of d.rows) {
        const done = await tx.run('DELETE FROM dvc_objects WHERE repo_id = ? AND oid = ? AND created_at <= ?', [
          r.repoId,
          r.key,
          cutoff,
        ]);
        if (done.changes > 0) out.push(r);
      }
      return out;
    });
    trashed.push({ ...d, dropped });
  }

  // Pushes that landed during the run: read those repositories again, put back what they name.
  const rescan: Scan = { refs: new Map(), referenced: new Map(), keepAll: new Map() };
  for (const repo of repos) {
    if ((await refSnapshot(gitDirOf(dataDir, repo.id))) !== scan.refs.get(repo.id))
      await scanRepo(dataDir, readManifests, repo, rescan);
  }
  for (const t of trashed) {
    const claimed = t.rows.some(
      (r) => rescan.keepAll.has(r.repoId) || rescan.referenced.get(r.repoId)?.has(splitIndexKey(r.key).oid),
    );
    if (claimed) {
      if (!(await head(t.key))) await copy(trashOf(t), t.key);
      await sql.transaction(async (tx) => {
        for (const r of t.dropped)
          await tx.run(
            'INSERT INTO dvc_objects (repo_id, oid, size, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (repo_id, oid) DO NOTHING',
            [r.repoId, r.key, r.size, r.createdAt],
          );
      });
      report.restored.push(t.md5);
    } else {
      report.indexRowsRemoved += t.dropped.length;
      // Its "in use" marker goes with it (a new upload's touch writes a new one).
      await remove(t.marker);
    }
    await remove(trashOf(t));
  }
  const restored = new Set(report.restored);
  report.objects = report.objects.filter((o) => !restored.has(o.md5));
  report.bytes = report.objects.reduce((n, o) => n + o.size, 0);
  return report;
}

/** The bucket's keys under `prefix`, one ListObjectsV2 page (up to 1,000) at a time. */
async function* pages(client: S3Client, bucket: string, prefix: string, MaxKeys?: number): AsyncIterable<_Object[]> {
  let ContinuationToken: string | undefined;
  do {
    const page = await s3Send(() =>
      client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken, MaxKeys })),
    );
    yield page.Contents ?? [];
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
}

const timeOf = (o: _Object) => o.LastModified?.getTime() ?? 0;

/** CopyObject's source: `BUCKET/KEY`, each part URL-encoded. */
function copySource(bucket: string, key: string): string {
  return `${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
}
