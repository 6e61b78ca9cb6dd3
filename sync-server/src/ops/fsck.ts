import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { parseDirManifest } from '@cairn/core';
import type { SqlQueries } from '../db/sql.ts';
import { runGit } from '../git/run-git.ts';
import { hashStream } from './blob-files.ts';
import {
  type BlobArea,
  blobAreasOf,
  gitDirOf,
  gitRoot,
  type IndexRow,
  listIndex,
  listRepos,
  OpsUsageError,
  openDataDb,
  quarantineRootOf,
  splitIndexKey,
} from './data-layout.ts';
import { type ArtifactFiles, diskArtifactFiles, diskObjectAreas, type ObjectArea, tablesOf } from './fsck-sources.ts';

/**
 * `cairn-server fsck`: reads back everything a data folder holds and says what is wrong, like
 * `restic check --read-data`. Every DVC object of both layouts is re-hashed against its name
 * with core's DVC-exact hasher; every index row must have its object; every `.dir` manifest is
 * parsed with core's parser and each entry must be present in the same repository's remote;
 * every repository gets `git fsck --full`; every MLflow artifact is re-hashed against the
 * SHA-256 recorded when it was uploaded (artifacts are named by path, so the record is their
 * name's stand-in; older artifacts without one are read and counted as unverified). Orphans (objects no repository indexes, git folders and artifact folders of no
 * repository) are listed; they are `gc`'s business, not damage.
 *
 * Safe while the server runs: the index is read before the files, and the server writes a
 * blob before its index row, so a concurrent upload shows up at worst as an orphan.
 * `--repair` moves damaged objects into `DATA/quarantine/<stamp>/` (never deletes) and drops
 * the index rows that claimed them (saved beside them), so the remote answers "missing" and
 * clients upload the object again.
 */
export type FsckProblem =
  | { kind: 'damaged_object'; area: string; md5: string; actual: string; size: number; repos: string[] }
  | { kind: 'missing_object'; area: string; oid: string; repos: string[] }
  | { kind: 'bad_manifest'; repo: string; oid: string; reason: string }
  | { kind: 'missing_dir_entry'; repo: string; oid: string; relpath: string; md5: string }
  | { kind: 'git_repository_missing'; repo: string; dir: string }
  | { kind: 'git_fsck_failed'; repo: string; dir: string; output: string }
  | { kind: 'unreadable_artifact'; file: string; error: string }
  | { kind: 'damaged_artifact'; file: string; expected: string; actual: string };

export interface FsckReport {
  dataDir: string;
  checked: {
    objects: number;
    objectBytes: number;
    indexRows: number;
    manifests: number;
    manifestEntries: number;
    gitRepositories: number;
    artifacts: number;
    artifactBytes: number;
    /** Artifacts stored before checksums were recorded (or whose record could not be written): read, not compared. */
    artifactsWithoutChecksum: number;
  };
  problems: FsckProblem[];
  orphans: {
    objects: Array<{ area: string; md5: string; size: number }>;
    gitDirs: string[];
    artifactDirs: string[];
    /** Files in the stores that are not objects (upload temp files, strays). */
    foreign: string[];
  };
  /** With --repair: where damaged objects were moved and which index rows were dropped. */
  repaired: { quarantine: string; moved: string[]; indexRowsDropped: number } | null;
}

export interface FsckOptions {
  repair?: boolean;
  /** The tables, when they are not in `DATA/cairn.db` (PostgreSQL: CAIRN_DATABASE_URL). */
  database?: SqlQueries;
  /** The DVC object areas, when they are not under `DATA/blobs/` (S3: CAIRN_BLOBS). */
  objects?: ObjectArea[];
  /** The MLflow artifacts, when they are not under `DATA/mlflow-artifacts/`. */
  artifacts?: ArtifactFiles;
  /** Called as work advances (the CLI draws a progress line on a terminal). */
  onProgress?: (phase: string, done: number, total: number) => void;
  now?: () => Date;
}

export async function fsck(dataDir: string, opts: FsckOptions = {}): Promise<FsckReport> {
  const progress = opts.onProgress ?? (() => {});
  const shared = opts.database || opts.objects || opts.artifacts;
  if (opts.repair && shared)
    throw new OpsUsageError(
      'fsck --repair works on SQLite + disk only; on PostgreSQL or S3, fsck reports without repairing.',
    );
  const db = opts.database ? null : openDataDb(dataDir, { readonly: !opts.repair });
  try {
    // Index first, files second: see the header comment.
    const { repos, index } = db
      ? { repos: listRepos(db), index: listIndex(db) }
      : await tablesOf(opts.database as SqlQueries);
    const repoName = new Map(repos.map((r) => [r.id, r.fullName]));
    const nameOf = (id: number) => repoName.get(id) ?? `#${id}`;
    const report: FsckReport = {
      dataDir,
      checked: {
        objects: 0,
        objectBytes: 0,
        indexRows: index.length,
        manifests: 0,
        manifestEntries: 0,
        gitRepositories: 0,
        artifacts: 0,
        artifactBytes: 0,
        artifactsWithoutChecksum: 0,
      },
      problems: [],
      orphans: { objects: [], gitDirs: [], artifactDirs: [], foreign: [] },
      repaired: null,
    };

    // 1. Objects: re-hash every file of both areas against its name.
    const areas = opts.objects ?? diskObjectAreas(dataDir);
    const rowsByKey = new Map<string, IndexRow[]>();
    for (const row of index) {
      const list = rowsByKey.get(row.key) ?? [];
      list.push(row);
      rowsByKey.set(row.key, list);
    }
    /** Per area: md5 → file, for the objects whose bytes match their name. */
    const healthy = new Map<BlobArea['indexPrefix'], Set<string>>();
    const damaged: Array<{ area: ObjectArea; md5: string; keys: string[] }> = [];
    const listings = await Promise.all(areas.map((a) => a.list()));
    const total = listings.reduce((n, l) => n + l.objects.length, 0);
    let done = 0;
    for (const [i, area] of areas.entries()) {
      const { objects: blobs, foreign } = listings[i] as Awaited<ReturnType<ObjectArea['list']>>;
      report.orphans.foreign.push(...foreign);
      const good = new Set<string>();
      healthy.set(area.indexPrefix, good);
      for (const blob of blobs) {
        const keys = [`${area.indexPrefix}${blob.md5}`, `${area.indexPrefix}${blob.md5}.dir`].filter((k) =>
          rowsByKey.has(k),
        );
        let actual: string;
        try {
          actual = (await hashStream(await area.read(blob.md5), area.algorithm)).md5;
        } catch (err) {
          actual = `unreadable: ${(err as Error).message}`;
        }
        report.checked.objects++;
        report.checked.objectBytes += blob.size;
        if (actual === blob.md5) {
          good.add(blob.md5);
          if (keys.length === 0) report.orphans.objects.push({ area: area.algorithm, md5: blob.md5, size: blob.size });
        } else {
          const holders = [...new Set(keys.flatMap((k) => (rowsByKey.get(k) ?? []).map((r) => nameOf(r.repoId))))];
          report.problems.push({
            kind: 'damaged_object',
            area: area.algorithm,
            md5: blob.md5,
            actual,
            size: blob.size,
            repos: holders,
          });
          damaged.push({ area, md5: blob.md5, keys });
        }
        progress('objects', ++done, total);
      }
    }

    // 2. Index rows whose object is gone.
    const present = (prefix: '' | 'dvc2/', md5: string) => healthy.get(prefix)?.has(md5) ?? false;
    const onDisk = new Map<string, Set<string>>(
      listings.map((l, i) => [(areas[i] as ObjectArea).indexPrefix, new Set(l.objects.map((b) => b.md5))]),
    );
    const missingKeys: string[] = [];
    for (const [key, rows] of rowsByKey) {
      const k = splitIndexKey(key);
      if (onDisk.get(k.indexPrefix)?.has(k.md5)) continue;
      missingKeys.push(key);
      report.problems.push({
        kind: 'missing_object',
        area: k.indexPrefix === '' ? 'md5' : 'md5-dos2unix',
        oid: k.oid,
        repos: rows.map((r) => nameOf(r.repoId)),
      });
    }

    // 3. Manifests: parse each, and check every entry is in the same repository's remote.
    const repoHas = (repoId: number, md5: string) =>
      (rowsByKey.get(md5)?.some((r) => r.repoId === repoId) && present('', md5)) ||
      (rowsByKey.get(`dvc2/${md5}`)?.some((r) => r.repoId === repoId) && present('dvc2/', md5));
    const manifests = index.filter((r) => splitIndexKey(r.key).isDir);
    for (const [i, row] of manifests.entries()) {
      const k = splitIndexKey(row.key);
      progress('manifests', i + 1, manifests.length);
      if (!present(k.indexPrefix, k.md5)) continue; // damaged or missing: reported above
      const area = areas.find((a) => a.indexPrefix === k.indexPrefix) as ObjectArea;
      const text = await streamText(await area.read(k.md5));
      report.checked.manifests++;
      const parsed = parseDirManifest(text, k.oid);
      if (!parsed.ok) {
        report.problems.push({
          kind: 'bad_manifest',
          repo: nameOf(row.repoId),
          oid: k.oid,
          reason: parsed.error.message,
        });
        continue;
      }
      for (const entry of parsed.value) {
        report.checked.manifestEntries++;
        if (!repoHas(row.repoId, entry.md5)) {
          report.problems.push({
            kind: 'missing_dir_entry',
            repo: nameOf(row.repoId),
            oid: k.oid,
            relpath: entry.relpath,
            md5: entry.md5,
          });
        }
      }
    }

    // 4. Git repositories.
    for (const [i, repo] of repos.entries()) {
      progress('git', i + 1, repos.length);
      const dir = gitDirOf(dataDir, repo.id);
      if (!fs.existsSync(dir)) {
        report.problems.push({ kind: 'git_repository_missing', repo: repo.fullName, dir });
        continue;
      }
      report.checked.gitRepositories++;
      const out = await gitFsck(dir);
      if (out !== null) report.problems.push({ kind: 'git_fsck_failed', repo: repo.fullName, dir, output: out });
    }
    const repoIds = new Set(repos.map((r) => r.id));
    for (const name of await readdirOrEmpty(gitRoot(dataDir))) {
      const m = /^(\d+)\.git$/.exec(name);
      if (!m || !repoIds.has(Number(m[1]))) report.orphans.gitDirs.push(path.join(gitRoot(dataDir), name));
    }

    // 5. MLflow artifacts: every file read to its end.
    const artifacts = opts.artifacts ?? diskArtifactFiles(dataDir);
    const listed = await artifacts.list();
    report.orphans.foreign.push(...listed.foreign);
    const orphanDirs = new Set(listed.strayDirs.map((d) => d.where));
    for (const [i, a] of listed.files.entries()) {
      progress('artifacts', i + 1, listed.files.length);
      if (!repoIds.has(a.repoId)) {
        orphanDirs.add(a.where.slice(0, a.where.length - a.rel.length - 1));
        continue;
      }
      let actual: string;
      try {
        const h = createHash('sha256');
        let size = 0;
        for await (const chunk of await artifacts.read(a.repoId, a.rel)) {
          h.update(chunk as Buffer);
          size += (chunk as Buffer).length;
        }
        actual = `${h.digest('hex')} ${size}`;
        report.checked.artifacts++;
        report.checked.artifactBytes += size;
      } catch (err) {
        report.problems.push({ kind: 'unreadable_artifact', file: a.where, error: (err as Error).message });
        continue;
      }
      // The artifact's recorded SHA-256 and size (mlflow/artifact-store.ts), when there is one.
      const expected = (await artifacts.record(a.repoId, a.rel))?.trim() ?? null;
      if (expected === null) report.checked.artifactsWithoutChecksum++;
      else if (expected !== actual) report.problems.push({ kind: 'damaged_artifact', file: a.where, expected, actual });
    }
    report.orphans.artifactDirs.push(...orphanDirs);

    if (opts.repair && db)
      report.repaired = await repair(dataDir, db, damaged, missingKeys, opts.now?.() ?? new Date());
    return report;
  } finally {
    db?.close();
  }
}

/** `git fsck --full`; null when clean, else its output. Dangling objects are not damage. */
async function gitFsck(dir: string): Promise<string | null> {
  try {
    await runGit(['fsck', '--full', '--strict', '--no-progress', '--no-dangling'], { cwd: dir });
    return null;
  } catch (err) {
    const e = err as { data?: { stderr?: string }; message: string };
    return (e.data?.stderr ?? e.message).trim().slice(0, 4000);
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return (await fsp.readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function streamText(source: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Moves each damaged object into the quarantine (same file system: a rename) and drops the index
 * rows of damaged and missing objects, after writing them beside the quarantined bytes, so the
 * remote answers "missing" and the next `dvc push` / `cairn push` sends a good copy.
 */
async function repair(
  dataDir: string,
  db: ReturnType<typeof openDataDb>,
  damaged: Array<{ area: ObjectArea; md5: string; keys: string[] }>,
  missingKeys: string[],
  now: Date,
): Promise<FsckReport['repaired']> {
  const quarantine = path.join(quarantineRootOf(dataDir), `fsck-${now.toISOString().replace(/[:.]/g, '-')}`);
  const moved: string[] = [];
  const keys = [...damaged.flatMap((d) => d.keys), ...missingKeys];
  if (damaged.length === 0 && keys.length === 0) return { quarantine, moved, indexRowsDropped: 0 };
  await fsp.mkdir(quarantine, { recursive: true });
  const select = db.prepare(
    'SELECT repo_id AS repoId, oid AS key, size, created_at AS createdAt FROM dvc_objects WHERE oid = ?',
  );
  const rows = keys.flatMap((k) => select.all(k) as IndexRow[]);
  // The record of what was dropped is durable before anything is dropped.
  const record = path.join(quarantine, 'dropped-index-rows.json');
  await fsp.writeFile(record, `${JSON.stringify(rows, null, 1)}\n`);
  const fh = await fsp.open(record, 'r');
  await fh.sync();
  await fh.close();
  for (const { area, md5 } of damaged) {
    const root = (blobAreasOf(dataDir).find((a) => a.indexPrefix === area.indexPrefix) as BlobArea).root;
    const target = path.join(quarantine, area.algorithm, md5);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.rename(path.join(root, md5.slice(0, 2), md5.slice(2)), target);
    moved.push(target);
  }
  const drop = db.prepare('DELETE FROM dvc_objects WHERE oid = ?');
  db.transaction(() => {
    for (const k of keys) drop.run(k);
  })();
  return { quarantine, moved, indexRowsDropped: rows.length };
}

/** Whether the report should fail a cron job: any problem (orphans are not problems). */
export function fsckFailed(report: FsckReport): boolean {
  return report.problems.length > 0;
}
