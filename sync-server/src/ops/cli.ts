import fs from 'node:fs';
import path from 'node:path';
import { blobStoreMarkerOf } from '../blobs/blob-store-marker.ts';
import { makeS3Client } from '../blobs/s3-client.ts';
import { type BlobsConfig, blobsFromEnv, type DatabaseConfig, databaseFromEnv } from '../config.ts';
import { databaseMarkerOf } from '../db/database-marker.ts';
import { openPostgres } from '../db/postgres-sql.ts';
import type { SqlDatabase } from '../db/sql.ts';
import { sqliteSql } from '../db/sqlite-sql.ts';
import { backup, restore } from './backup.ts';
import { assertDiskBlobStore, assertSqliteDatabase, OpsUsageError, openDataDb } from './data-layout.ts';
import { type FsckOptions, type FsckReport, fsck, fsckFailed } from './fsck.ts';
import { s3ArtifactFiles, s3ObjectAreas } from './fsck-sources.ts';
import { DEFAULT_GRACE_SECONDS, type GcReport, gc } from './gc.ts';
import { gcS3 } from './gc-s3.ts';
import { type MigrateReport, migrate } from './migrate.ts';
import { terminalProgress } from './progress.ts';

/**
 * `cairn-server COMMAND [options]`: operator commands on a data folder (`--data DIR`, else
 * `CAIRN_DATA`, else `./.cairn`, as the server). Exit codes, for cron:
 *   0  checked, nothing wrong;
 *   1  problems found (and, with --repair, set aside);
 *   2  could not run: bad usage, not a data folder, or an error while reading.
 */
export const EXIT = { ok: 0, problems: 1, failed: 2 } as const;

const USAGE = `usage: cairn-server <command> [--data DIR] [options]
  fsck [--json] [--repair]   re-hash every object, check manifests, git fsck every repository
                             (on PostgreSQL / S3: with CAIRN_DATABASE_URL / CAIRN_BLOBS set as for
                             the server; --repair on SQLite + disk only)
  gc [--dry-run] [--grace SECONDS] [--json]
                             remove objects no history names, older than the grace (default 86400)
                             (objects in S3: with CAIRN_BLOBS, and CAIRN_DATABASE_URL if the
                             tables are in PostgreSQL, set as for the server)
  backup DIR                 copy the data folder (online: SQLite backup API, git, objects) into DIR
  restore DIR                restore a backup into the data folder, which must be empty
  migrate --to-database postgres://USER@HOST/DB --to-blobs s3://BUCKET/PREFIX [--force] [--json]
                             copy this SQLite + disk installation to PostgreSQL + S3 (stop the
                             server first; S3 endpoint and credentials from CAIRN_S3_ENDPOINT and
                             the AWS_* variables); re-run to resume
`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  env: process.env,
};

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    const args = parseArgs(rest);
    const dataDir = path.resolve(String(args.values.data ?? io.env.CAIRN_DATA ?? '.cairn'));
    // gc of a data folder whose objects are in S3 works on the bucket (runGc); the rest reads files.
    if (command === 'backup' || (command === 'gc' && !fs.existsSync(blobStoreMarkerOf(dataDir)))) {
      assertDiskBlobStore(dataDir, command);
      assertSqliteDatabase(dataDir, command);
    }
    switch (command) {
      case 'fsck':
        return await runFsck(dataDir, args, io);
      case 'gc':
        return await runGc(dataDir, args, io);
      case 'backup':
      case 'restore': {
        checkFlags(args, ['json']);
        const target = args.positional[0];
        if (!target || args.positional.length > 1) throw new OpsUsageError(`${command} takes one folder\n${USAGE}`);
        const report =
          command === 'backup'
            ? await backup(dataDir, path.resolve(target))
            : await restore(path.resolve(target), dataDir);
        io.out(
          args.flags.has('json')
            ? `${JSON.stringify(report, null, 2)}\n`
            : `${command === 'backup' ? 'backed up' : 'restored'} ${report.files} files, ${report.bytes} bytes\n`,
        );
        return EXIT.ok;
      }
      case 'migrate':
        return await runMigrate(dataDir, args, io);
      default:
        io.err(command ? `cairn-server: unknown command ${JSON.stringify(command)}\n${USAGE}` : USAGE);
        return EXIT.failed;
    }
  } catch (err) {
    io.err(`cairn-server: ${err instanceof OpsUsageError ? err.message : (err as Error).stack}\n`);
    return EXIT.failed;
  }
}

interface Args {
  flags: Set<string>;
  values: Record<string, string>;
  positional: string[];
}

const VALUED = new Set(['data', 'grace', 'to-database', 'to-blobs']);

function parseArgs(argv: string[]): Args {
  const args: Args = { flags: new Set(), values: {}, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) {
      args.positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (VALUED.has(name)) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new OpsUsageError(`--${name} needs a value`);
      args.values[name] = v;
    } else args.flags.add(name);
  }
  return args;
}

function checkFlags(args: Args, allowed: string[]): void {
  for (const f of args.flags) if (!allowed.includes(f)) throw new OpsUsageError(`unknown option --${f}\n${USAGE}`);
}

async function runFsck(dataDir: string, args: Args, io: Io): Promise<number> {
  checkFlags(args, ['json', 'repair']);
  // A data folder on PostgreSQL and/or S3 is checked there, with the server's own settings.
  const places = await sharedPlacesOf(dataDir, io.env);
  try {
    const bar = terminalProgress();
    const report = await fsck(dataDir, { repair: args.flags.has('repair'), onProgress: bar.update, ...places.options });
    bar.end();
    io.out(args.flags.has('json') ? `${JSON.stringify(report, null, 2)}\n` : formatFsck(report));
    return fsckFailed(report) ? EXIT.problems : EXIT.ok;
  } finally {
    await places.close();
  }
}

/**
 * The tables and stores a marked data folder names (`database.json`, `blob-store.json`), opened
 * with CAIRN_DATABASE_URL / CAIRN_BLOBS as the server reads them: the markers hold no credentials.
 */
async function sharedPlacesOf(dataDir: string, env: NodeJS.ProcessEnv) {
  const options: Pick<FsckOptions, 'database' | 'objects' | 'artifacts'> = {};
  const closers: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const c of closers) await c();
  };
  try {
    if (fs.existsSync(databaseMarkerOf(dataDir))) {
      const database = databaseFromEnv(env);
      if (database.kind !== 'postgres') assertSqliteDatabase(dataDir, 'fsck without CAIRN_DATABASE_URL');
      else {
        const sql = await openPostgres(database.url, { maxConnections: 2 });
        closers.push(() => sql.close());
        options.database = sql;
      }
    }
    if (fs.existsSync(blobStoreMarkerOf(dataDir))) {
      const blobs = blobsFromEnv(env);
      if (blobs.kind !== 's3') assertDiskBlobStore(dataDir, 'fsck without CAIRN_BLOBS');
      else {
        const client = makeS3Client(blobs);
        closers.push(() => client.destroy());
        options.objects = s3ObjectAreas(client, blobs);
        options.artifacts = s3ArtifactFiles(client, blobs);
      }
    }
    return { options, close };
  } catch (err) {
    await close();
    throw err instanceof OpsUsageError ? err : new OpsUsageError((err as Error).message);
  }
}

function formatFsck(r: FsckReport): string {
  const c = r.checked;
  const lines = [
    `checked ${c.objects} objects (${c.objectBytes} bytes), ${c.indexRows} index rows, ${c.manifests} manifests (${c.manifestEntries} entries), ${c.gitRepositories} git repositories, ${c.artifacts} artifacts (${c.artifactBytes} bytes)`,
  ];
  for (const p of r.problems) {
    switch (p.kind) {
      case 'damaged_object':
        lines.push(
          `damaged object ${p.area} ${p.md5}: bytes hash to ${p.actual} (held by ${p.repos.join(', ') || 'no repository'})`,
        );
        break;
      case 'missing_object':
        lines.push(`missing object ${p.area} ${p.oid}: indexed by ${p.repos.join(', ')} but not on disk`);
        break;
      case 'bad_manifest':
        lines.push(`bad manifest ${p.oid} in ${p.repo}: ${p.reason}`);
        break;
      case 'missing_dir_entry':
        lines.push(`missing .dir entry ${p.relpath} (${p.md5}) of ${p.oid} in ${p.repo}`);
        break;
      case 'git_repository_missing':
        lines.push(`git repository of ${p.repo} missing: ${p.dir}`);
        break;
      case 'git_fsck_failed':
        lines.push(`git fsck failed for ${p.repo} (${p.dir}):\n  ${p.output.split('\n').join('\n  ')}`);
        break;
      case 'unreadable_artifact':
        lines.push(`unreadable artifact ${p.file}: ${p.error}`);
        break;
      case 'damaged_artifact':
        lines.push(`damaged artifact ${p.file}: recorded ${p.expected}, now ${p.actual}`);
        break;
    }
  }
  for (const o of r.orphans.objects)
    lines.push(`orphan object ${o.area} ${o.md5} (${o.size} bytes, no repository indexes it)`);
  for (const d of r.orphans.gitDirs) lines.push(`orphan git folder ${d}`);
  for (const d of r.orphans.artifactDirs) lines.push(`orphan artifact folder ${d}`);
  for (const f of r.orphans.foreign) lines.push(`foreign file ${f}`);
  if (r.repaired) {
    lines.push(
      `repair: moved ${r.repaired.moved.length} damaged objects to ${r.repaired.quarantine}, dropped ${r.repaired.indexRowsDropped} index rows (clients will upload them again)`,
    );
  }
  lines.push(r.problems.length === 0 ? 'no problems found' : `${r.problems.length} problems found`);
  return `${lines.join('\n')}\n`;
}

async function runMigrate(dataDir: string, args: Args, io: Io): Promise<number> {
  checkFlags(args, ['json', 'force']);
  const toDatabase = args.values['to-database'];
  const toBlobs = args.values['to-blobs'];
  if (!toDatabase || !toBlobs || args.positional.length > 0)
    throw new OpsUsageError(`migrate needs --to-database and --to-blobs\n${USAGE}`);
  let database: DatabaseConfig;
  let blobs: BlobsConfig;
  try {
    database = databaseFromEnv({ CAIRN_DATABASE_URL: toDatabase });
    blobs = blobsFromEnv({ ...io.env, CAIRN_BLOBS: toBlobs });
  } catch (err) {
    throw new OpsUsageError((err as Error).message);
  }
  if (database.kind !== 'postgres' || blobs.kind !== 's3')
    throw new OpsUsageError('migrate needs --to-database postgres://… and --to-blobs s3://…');
  const bar = terminalProgress();
  const report = await migrate({
    dataDir,
    databaseUrl: database.url,
    blobs,
    force: args.flags.has('force'),
    onProgress: bar.update,
  });
  bar.end();
  io.out(args.flags.has('json') ? `${JSON.stringify(report, null, 2)}\n` : formatMigrate(report, dataDir));
  return report.problems.length > 0 ? EXIT.problems : EXIT.ok;
}

function formatMigrate(r: MigrateReport, dataDir: string): string {
  const rows = r.tables.reduce((n, t) => n + t.rows, 0);
  const skipped = r.tables.filter((t) => t.skipped).length;
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const lines = [
    `${r.resumed ? 'resumed: ' : ''}copied ${r.tables.length} tables (${rows} rows${skipped ? `, ${skipped} tables done by an earlier run` : ''}) in ${r.seconds.tables.toFixed(1)} s`,
    `copied ${r.objects.copied} DVC objects (${mb(r.objects.bytes)} MB, md5 verified${r.objects.alreadyThere ? `; ${r.objects.alreadyThere} already there` : ''}) in ${r.seconds.objects.toFixed(1)} s`,
    `copied ${r.artifacts.copied} MLflow artifacts (${mb(r.artifacts.bytes)} MB, sha256 verified${r.artifacts.withoutChecksum ? `, ${r.artifacts.withoutChecksum} had no recorded checksum` : ''}${r.artifacts.alreadyThere ? `; ${r.artifacts.alreadyThere} already there` : ''}) in ${r.seconds.artifacts.toFixed(1)} s`,
  ];
  for (const p of r.problems) {
    if (p.kind === 'damaged_object')
      lines.push(`damaged object ${p.area} ${p.md5}: ${p.file} hashes to ${p.actual}; not copied`);
    else lines.push(`damaged artifact ${p.file}: recorded ${p.expected}, now ${p.actual}`);
  }
  lines.push(
    r.marked
      ? `done: start the server with CAIRN_DATA=${dataDir}, CAIRN_DATABASE_URL and CAIRN_BLOBS set to the targets. The old cairn.db, blobs/ and mlflow-artifacts/ stay until you remove them.`
      : `${r.problems.length} problems found: the data folder still runs on SQLite + disk; run cairn-server fsck, then migrate again.`,
  );
  return `${lines.join('\n')}\n`;
}

async function runGc(dataDir: string, args: Args, io: Io): Promise<number> {
  checkFlags(args, ['json', 'dry-run']);
  const grace = args.values.grace === undefined ? DEFAULT_GRACE_SECONDS : Number(args.values.grace);
  if (!Number.isInteger(grace) || grace < 0) throw new OpsUsageError('--grace takes a whole number of seconds ≥ 0');
  const bar = terminalProgress();
  const options = { dryRun: args.flags.has('dry-run'), graceSeconds: grace, onProgress: bar.update };
  let report: GcReport;
  if (fs.existsSync(blobStoreMarkerOf(dataDir))) {
    const places = await s3GcPlacesOf(dataDir, io.env);
    try {
      report = await gcS3(dataDir, { ...options, ...places });
    } finally {
      await places.close();
    }
  } else report = await gc(dataDir, options);
  bar.end();
  io.out(args.flags.has('json') ? `${JSON.stringify(report, null, 2)}\n` : formatGc(report));
  return report.aborted ? EXIT.failed : EXIT.ok;
}

/**
 * What gc of a data folder whose objects are in S3 needs: the bucket (CAIRN_BLOBS, as the server
 * reads it), and the tables — PostgreSQL's (CAIRN_DATABASE_URL) when the folder is marked so, else
 * its SQLite file.
 */
async function s3GcPlacesOf(dataDir: string, env: NodeJS.ProcessEnv) {
  const closers: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const blobs = blobsFromEnv(env);
    if (blobs.kind !== 's3') {
      assertDiskBlobStore(dataDir, 'gc without CAIRN_BLOBS');
      throw new OpsUsageError('gc needs CAIRN_BLOBS');
    }
    let sql: SqlDatabase;
    if (fs.existsSync(databaseMarkerOf(dataDir))) {
      const database = databaseFromEnv(env);
      if (database.kind !== 'postgres') assertSqliteDatabase(dataDir, 'gc without CAIRN_DATABASE_URL');
      sql = await openPostgres((database as Extract<DatabaseConfig, { kind: 'postgres' }>).url, { maxConnections: 2 });
    } else sql = sqliteSql(openDataDb(dataDir));
    closers.push(() => sql.close());
    const client = makeS3Client(blobs);
    closers.push(() => client.destroy());
    return { sql, client, blobs, close };
  } catch (err) {
    await close();
    throw err instanceof OpsUsageError ? err : new OpsUsageError((err as Error).message);
  }
}

function formatGc(r: GcReport): string {
  const lines: string[] = [];
  for (const repo of r.repositories) {
    lines.push(
      `read ${repo.repo}: ${repo.commits} commits, ${repo.pointerFiles} pointer files, ${repo.referencedObjects} objects named${repo.keptAll ? ` — keeping all its objects: ${repo.keptAll}` : ''}`,
    );
    for (const u of repo.unparsedPointerFiles) lines.push(`  ${u} does not parse: every hash in it is kept`);
  }
  if (r.aborted) {
    lines.push(`cannot read ${r.aborted.repo}: ${r.aborted.error}`, 'gc stopped: nothing was removed');
    return `${lines.join('\n')}\n`;
  }
  const verb = r.dryRun ? 'would remove' : 'removed';
  for (const o of r.objects)
    lines.push(`${verb} ${o.area} ${o.md5} (${o.size} bytes${o.repos.length ? `, from ${o.repos.join(', ')}` : ''})`);
  for (const m of r.restored) lines.push(`kept ${m}: uploaded or named again while gc ran`);
  for (const k of r.notRemoved ?? []) lines.push(`kept ${k.area} ${k.md5} (${k.size} bytes): ${k.reason}`);
  lines.push(`${verb} ${r.objects.length} objects, ${r.bytes} bytes (grace ${r.graceSeconds} s)`);
  return `${lines.join('\n')}\n`;
}
