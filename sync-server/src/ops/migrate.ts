import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import Database from 'better-sqlite3';
import { BlobHashMismatchError, type BlobStore } from '../blobs/blob-store.ts';
import { blobStoreMarkerOf, recordBlobStorePlace } from '../blobs/blob-store-marker.ts';
import { makeS3Client } from '../blobs/s3-client.ts';
import { s3Send } from '../blobs/s3-errors.ts';
import { makeByteStores } from '../blobs/shared-store.ts';
import type { BlobsConfig } from '../config.ts';
import { databaseMarkerOf, recordDatabasePlace } from '../db/database-marker.ts';
import { openPostgres } from '../db/postgres-sql.ts';
import { servingLockOf, takeExclusiveLock } from '../db/serving-lock.ts';
import type { SqlDatabase, SqlQueries, SqlValue } from '../db/sql.ts';
import { TEMP_PREFIX } from '../mlflow/artifact-paths.ts';
import type { ArtifactStore } from '../mlflow/artifact-store.ts';
import { makeDiskArtifactStore } from '../mlflow/disk-artifact-store.ts';
import { listBlobFiles } from './blob-files.ts';
import { artifactsRootOf, blobAreasOf, dbFileOf, OpsUsageError } from './data-layout.ts';
import { migrateEverySchema } from './every-schema.ts';

/**
 * `cairn-server migrate`: copies a SQLite + disk installation (the default) to PostgreSQL + an
 * S3-compatible bucket, in place of the data folder, which keeps the git repositories:
 *
 * 1. tables: the PostgreSQL schema is made by the features' own versioned migrations
 *    (every-schema.ts), then every SQLite table is copied, parents before children, each table
 *    in one transaction (multi-row INSERTs of a few hundred rows) that also records it as done in
 *    `cairn_migrated_tables` (`cairn_migration_source` names the data folder they came from); identity sequences are moved past the copied ids;
 * 2. DVC objects of both layouts, through the S3 blob store, which verifies each one's md5
 *    against its name before it becomes visible;
 * 3. MLflow artifacts, through the S3 artifact store, SHA-256 hashed on the way and compared with
 *    the record the disk store kept;
 * 4. only when nothing was damaged, the data folder is marked (`database.json`, `blob-store.json`)
 *    so the operator commands look in PostgreSQL and the bucket from then on.
 *
 * Re-running is safe and resumes: tables already recorded are skipped, objects and artifacts
 * already in the bucket (same size, same recorded checksum) are not sent again. A target that
 * holds anything and was not started by an earlier run is refused unless `force`.
 * The server must be stopped while this runs (its writes after a table was copied would be lost):
 * a data folder a server holds is refused, and no server starts on it while this runs
 * (db/serving-lock.ts).
 */
export interface MigrateOptions {
  dataDir: string;
  /** `postgres://…` of an existing (empty) database. */
  databaseUrl: string;
  blobs: Extract<BlobsConfig, { kind: 's3' }>;
  /** Copy into a non-empty target (rows of copied tables are replaced). */
  force?: boolean;
  /** Objects copied at once. */
  concurrency?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface MigrateReport {
  resumed: boolean;
  tables: Array<{ table: string; rows: number; skipped: boolean }>;
  objects: { copied: number; alreadyThere: number; bytes: number };
  artifacts: { copied: number; alreadyThere: number; bytes: number; withoutChecksum: number };
  problems: MigrateProblem[];
  /** Whether the data folder now names PostgreSQL and the bucket (false when problems were found). */
  marked: boolean;
  seconds: { tables: number; objects: number; artifacts: number };
}

export type MigrateProblem =
  | { kind: 'damaged_object'; area: string; md5: string; actual: string; file: string }
  | { kind: 'damaged_artifact'; file: string; expected: string; actual: string };

/** The target holds data this command did not put there. */
export class MigrateTargetNotEmptyError extends OpsUsageError {}

/** A server is serving the data folder (it holds `DATA/serving.lock`, db/serving-lock.ts). */
export class MigrateServerRunningError extends OpsUsageError {
  constructor(dataDir: string) {
    super(
      `A Cairn server is running on ${dataDir} (it holds ${servingLockOf(dataDir)}): what it writes after its table was copied would be lost. ` +
        'Stop every server process using this data folder, then run migrate again.',
    );
    this.name = 'MigrateServerRunningError';
  }
}

/** Which data folder the target's rows came from, and which tables are copied whole. */
const SOURCE_TABLE = 'cairn_migration_source';
const PROGRESS_TABLE = 'cairn_migrated_tables';
/** Rows per INSERT: PostgreSQL takes at most 65535 parameters per statement. */
const MAX_ROWS_PER_INSERT = 500;
const MAX_PARAMS_PER_INSERT = 30_000;

export async function migrate(opts: MigrateOptions): Promise<MigrateReport> {
  const { dataDir } = opts;
  const progress = opts.onProgress ?? (() => {});
  const dbFile = dbFileOf(dataDir);
  if (!fs.existsSync(dbFile))
    throw new OpsUsageError(`${dataDir} is not a Cairn data folder: ${dbFile} does not exist`);
  for (const marker of [databaseMarkerOf(dataDir), blobStoreMarkerOf(dataDir)]) {
    if (fs.existsSync(marker))
      throw new OpsUsageError(
        `${dataDir} is already served from PostgreSQL or S3 (${marker}); migrate copies a SQLite + disk installation.`,
      );
  }
  // Held until the copy is done: no server may start on the folder meanwhile either.
  const lock = takeExclusiveLock(dataDir);
  if (!lock) throw new MigrateServerRunningError(dataDir);
  let sqlite: Database.Database | undefined;
  let sql: SqlDatabase | undefined;
  let client: S3Client | undefined;
  try {
    sqlite = new Database(dbFile, { readonly: true, fileMustExist: true });
    sql = await openPostgres(opts.databaseUrl, { maxConnections: 4 });
    client = makeS3Client(opts.blobs);
    // An earlier run from this same folder is resumed; anything else in the target is refused.
    const source = path.resolve(dataDir);
    const earlier = (await tableExists(sql, SOURCE_TABLE))
      ? await sql.get<{ dataDir: string }>(`SELECT data_dir AS "dataDir" FROM ${SOURCE_TABLE} WHERE id = 1`)
      : undefined;
    const resumed = earlier?.dataDir === source;
    if (!resumed && !opts.force) {
      if (earlier)
        throw new MigrateTargetNotEmptyError(
          `The PostgreSQL database already holds rows copied from ${earlier.dataDir}; migrate into an empty database, or pass --force to replace them.`,
        );
      await assertEmptyTarget(sql, client, opts.blobs);
    }
    await sql.exec(
      `CREATE TABLE IF NOT EXISTS ${SOURCE_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), data_dir TEXT NOT NULL, started_at BIGINT NOT NULL);
       CREATE TABLE IF NOT EXISTS ${PROGRESS_TABLE} (table_name TEXT PRIMARY KEY, row_count BIGINT NOT NULL, migrated_at BIGINT NOT NULL)`,
    );
    if (!resumed) {
      // A forced run into another source's copy starts over: its tables are copied again.
      await sql.transaction(async (tx) => {
        await tx.run(`DELETE FROM ${PROGRESS_TABLE}`);
        await tx.run(`DELETE FROM ${SOURCE_TABLE}`);
        await tx.run(`INSERT INTO ${SOURCE_TABLE} (id, data_dir, started_at) VALUES (1, ?, ?)`, [source, Date.now()]);
      });
    }
    const report: MigrateReport = {
      resumed,
      tables: [],
      objects: { copied: 0, alreadyThere: 0, bytes: 0 },
      artifacts: { copied: 0, alreadyThere: 0, bytes: 0, withoutChecksum: 0 },
      problems: [],
      marked: false,
      seconds: { tables: 0, objects: 0, artifacts: 0 },
    };

    let t0 = performance.now();
    await migrateEverySchema(sql);
    await copyTables(sqlite, sql, report, progress);
    report.seconds.tables = (performance.now() - t0) / 1000;

    const stores = makeByteStores(dataDir, opts.blobs);
    t0 = performance.now();
    await copyObjects(dataDir, { md5: stores.blobs, 'md5-dos2unix': stores.legacyBlobs }, opts, report, progress);
    report.seconds.objects = (performance.now() - t0) / 1000;
    t0 = performance.now();
    await copyArtifacts(dataDir, stores.artifacts, opts, report, progress);
    report.seconds.artifacts = (performance.now() - t0) / 1000;

    if (report.problems.length === 0) {
      recordDatabasePlace(dataDir, { kind: 'postgres', url: opts.databaseUrl });
      recordBlobStorePlace(dataDir, opts.blobs);
      report.marked = true;
    }
    return report;
  } finally {
    sqlite?.close();
    client?.destroy();
    await sql?.close();
    lock.release();
  }
}

async function tableExists(sql: SqlDatabase, table: string): Promise<boolean> {
  return !!(await sql.get(
    'SELECT 1 AS present FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?',
    [table],
  ));
}

/** A fresh target: no rows in any table (but the migrations' own records), no key under the prefix. */
async function assertEmptyTarget(
  sql: SqlDatabase,
  client: ReturnType<typeof makeS3Client>,
  blobs: Extract<BlobsConfig, { kind: 's3' }>,
): Promise<void> {
  const tables = await sql.all<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
  );
  for (const { name } of tables) {
    if (name === 'schema_migrations' || name === SOURCE_TABLE || name === PROGRESS_TABLE) continue;
    if (await sql.get(`SELECT 1 AS present FROM ${ident(name)} LIMIT 1`))
      throw new MigrateTargetNotEmptyError(
        `The PostgreSQL database already holds rows (table ${name}); migrate into an empty database, or pass --force to replace the copied tables' rows.`,
      );
  }
  const prefix = blobs.prefix ? `${blobs.prefix}/` : '';
  const listed = await s3Send(() =>
    client.send(new ListObjectsV2Command({ Bucket: blobs.bucket, Prefix: prefix, MaxKeys: 1 })),
  );
  if ((listed.Contents ?? []).length > 0)
    throw new MigrateTargetNotEmptyError(
      `s3://${blobs.bucket}/${blobs.prefix} already holds objects (${listed.Contents?.[0]?.Key}); use an empty prefix, or pass --force to copy into it.`,
    );
}

/** The SQLite tables to copy, parents first (by PostgreSQL's foreign keys), checked against the PostgreSQL schema. */
async function copyTables(
  source: Database.Database,
  sql: SqlDatabase,
  report: MigrateReport,
  progress: (phase: string, done: number, total: number) => void,
): Promise<void> {
  const names = (
    source
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations' ORDER BY name",
      )
      .all() as Array<{ name: string }>
  ).map((r) => r.name);
  const pgColumns = new Map<string, Set<string>>();
  for (const r of await sql.all<{ t: string; c: string }>(
    'SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema()',
  )) {
    if (!pgColumns.has(r.t)) pgColumns.set(r.t, new Set());
    pgColumns.get(r.t)?.add(r.c);
  }
  for (const name of names) {
    const target = pgColumns.get(name);
    if (!target)
      throw new OpsUsageError(
        `The SQLite table ${name} has no PostgreSQL schema: a feature's migrations are missing from ops/every-schema.ts. Nothing of it was copied.`,
      );
    for (const c of (source.pragma(`table_info(${ident(name)})`) as Array<{ name: string }>).map((x) => x.name)) {
      if (!target.has(c))
        throw new OpsUsageError(
          `The SQLite column ${name}.${c} has no PostgreSQL counterpart; nothing of ${name} was copied.`,
        );
    }
  }
  const parents = await sql.all<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
       FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
  );
  const identities = await sql.all<{ t: string; c: string }>(
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns
      WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`,
  );
  const done = new Set(
    (await sql.all<{ name: string }>(`SELECT table_name AS name FROM ${PROGRESS_TABLE}`)).map((r) => r.name),
  );
  const ordered = parentsFirst(names, parents);
  for (const [i, table] of ordered.entries()) {
    progress('tables', i, ordered.length);
    if (done.has(table)) {
      const row = await sql.get<{ n: number }>(`SELECT row_count AS n FROM ${PROGRESS_TABLE} WHERE table_name = ?`, [
        table,
      ]);
      report.tables.push({ table, rows: Number(row?.n ?? 0), skipped: true });
      continue;
    }
    const idColumns = identities.filter((x) => x.t === table).map((x) => x.c);
    const rows = await sql.transaction((tx) => copyTable(source, tx, table, idColumns));
    report.tables.push({ table, rows, skipped: false });
  }
  progress('tables', ordered.length, ordered.length);
}

async function copyTable(
  source: Database.Database,
  tx: SqlQueries,
  table: string,
  idColumns: string[],
): Promise<number> {
  // A table is copied whole in this transaction or not at all; rows a forced run finds are replaced.
  await tx.run(`DELETE FROM ${ident(table)}`);
  const select = source.prepare(`SELECT * FROM ${ident(table)}`).raw(true);
  const columns = select.columns().map((c) => c.name);
  const perInsert = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMS_PER_INSERT / columns.length)));
  const head = `INSERT INTO ${ident(table)} (${columns.map(ident).join(', ')})${idColumns.length > 0 ? ' OVERRIDING SYSTEM VALUE' : ''} VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  let batch: SqlValue[][] = [];
  let rows = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await tx.run(head + batch.map(() => tuple).join(', '), batch.flat());
    rows += batch.length;
    batch = [];
  };
  for (const row of select.iterate() as Iterable<SqlValue[]>) {
    batch.push(row);
    if (batch.length >= perInsert) await flush();
  }
  await flush();
  // New rows made by the server on PostgreSQL must not take the copied ids.
  for (const c of idColumns) {
    await tx.get(
      `SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT MAX(${ident(c)}) FROM ${ident(table)}), 0) + 1, false) AS v`,
      [table, c],
    );
  }
  await tx.run(`INSERT INTO ${PROGRESS_TABLE} (table_name, row_count, migrated_at) VALUES (?, ?, ?)`, [
    table,
    rows,
    Date.now(),
  ]);
  return rows;
}

/** Orders `tables` so that every table comes after the tables its foreign keys name. */
export function parentsFirst(tables: string[], edges: Array<{ child: string; parent: string }>): string[] {
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: string) => {
    if (state.get(t)) return; // done, or a cycle (a self-reference): its place is taken already
    state.set(t, 'visiting');
    for (const e of edges) if (e.child === t && e.parent !== t && tables.includes(e.parent)) visit(e.parent);
    state.set(t, 'done');
    out.push(t);
  };
  for (const t of tables) visit(t);
  return out;
}

async function copyObjects(
  dataDir: string,
  stores: Record<'md5' | 'md5-dos2unix', BlobStore>,
  opts: MigrateOptions,
  report: MigrateReport,
  progress: (phase: string, done: number, total: number) => void,
): Promise<void> {
  const work: Array<{ area: 'md5' | 'md5-dos2unix'; md5: string; file: string; size: number }> = [];
  for (const area of blobAreasOf(dataDir)) {
    const name = area.algorithm === 'md5' ? 'md5' : 'md5-dos2unix';
    for (const b of (await listBlobFiles(area.root)).blobs) work.push({ area: name, ...b });
  }
  let finished = 0;
  await eachLimit(work, opts.concurrency ?? 8, async (o) => {
    const store = stores[o.area];
    // A first run into an empty prefix need not ask first (the store's write checks anyway).
    const there = report.resumed || opts.force ? await store.stat(o.md5) : null;
    if (there && there.size === o.size) report.objects.alreadyThere++;
    else {
      try {
        // The store hashes while it streams and publishes only bytes that match the name.
        const { created } = await store.write(o.md5, fs.createReadStream(o.file, { highWaterMark: 1 << 20 }));
        if (created) {
          report.objects.copied++;
          report.objects.bytes += o.size;
        } else report.objects.alreadyThere++;
      } catch (err) {
        if (!(err instanceof BlobHashMismatchError)) throw err;
        report.problems.push({
          kind: 'damaged_object',
          area: o.area,
          md5: o.md5,
          actual: err.data.actual,
          file: o.file,
        });
      }
    }
    progress('objects', ++finished, work.length);
  });
}

async function copyArtifacts(
  dataDir: string,
  target: ArtifactStore,
  opts: MigrateOptions,
  report: MigrateReport,
  progress: (phase: string, done: number, total: number) => void,
): Promise<void> {
  const root = artifactsRootOf(dataDir);
  const disk = makeDiskArtifactStore(dataDir);
  const work: Array<{ repoId: number; rel: string; file: string }> = [];
  for (const repo of await readdirOrEmpty(root)) {
    if (!/^\d+$/.test(repo)) continue;
    for (const rel of await filesUnder(path.join(root, repo))) {
      work.push({ repoId: Number(repo), rel, file: path.join(root, repo, ...rel.split('/')) });
    }
  }
  let finished = 0;
  await eachLimit(work, opts.concurrency ?? 8, async (a) => {
    const recorded = await disk.checksum(a.repoId, a.rel);
    const there = recorded ? await target.checksum(a.repoId, a.rel) : null;
    if (recorded && there && there.sha256 === recorded.sha256 && there.size === recorded.size) {
      report.artifacts.alreadyThere++;
    } else {
      const sha256 = createHash('sha256');
      const hashing = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          sha256.update(chunk);
          cb(null, chunk);
        },
      });
      const size = await target.put(
        a.repoId,
        a.rel,
        fs.createReadStream(a.file, { highWaterMark: 1 << 20 }).pipe(hashing),
        Number.POSITIVE_INFINITY,
      );
      const actual = sha256.digest('hex');
      if (!recorded) report.artifacts.withoutChecksum++;
      else if (recorded.sha256 !== actual || recorded.size !== size)
        report.problems.push({ kind: 'damaged_artifact', file: a.file, expected: recorded.sha256, actual });
      report.artifacts.copied++;
      report.artifacts.bytes += size;
    }
    progress('artifacts', ++finished, work.length);
  });
}

/** Artifact paths (`a/b/c.bin`) of the files under `dir`, without the disk store's temp files. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const d of await fsp.readdir(dir, { withFileTypes: true })) {
    if (d.name.startsWith(TEMP_PREFIX)) continue;
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...(await filesUnder(path.join(dir, d.name), rel)));
    else if (d.isFile()) out.push(rel);
  }
  return out;
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch {
    return [];
  }
}

/** Runs `fn` over `items`, `limit` at a time; the first failure stops new work and is thrown. */
async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A PostgreSQL identifier, quoted (table names come from the SQLite file). */
function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
