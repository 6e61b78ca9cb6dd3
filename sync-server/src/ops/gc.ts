import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { parseDirManifest } from '@cairn/core';
import { type BlobFile, listBlobFiles } from './blob-files.ts';
import {
  type BlobArea,
  blobAreasOf,
  gitDirOf,
  type IndexRow,
  listIndex,
  listRepos,
  openDataDb,
  quarantineRootOf,
  type RepoRow,
  splitIndexKey,
} from './data-layout.ts';
import { refSnapshot, repoReferences } from './repo-references.ts';

/**
 * `cairn-server gc`: removes DVC objects no repository's history names, failing closed
 * (docs/RELIABILITY.md B7, F10; restic#4612 is the counter-example).
 *
 * 1. Every repository is read (repo-references.ts: every ref, tag, stash, `refs/exps/*`, reflog
 *    entry → every `.dvc` and `dvc.lock` → every `.dir` manifest's entries). One error in one
 *    repository and nothing at all is removed. A repository naming a `.dir` whose manifest is not
 *    on the server cannot be resolved: all of its objects are kept.
 * 2. An index row (repository R holds object O) is dead when R's history does not name O and it
 *    is older than the grace period; an object file goes when all its rows are dead and the file
 *    itself is older than the grace period (uploads land before the commit that names them).
 * 3. Removal races pushes safely: the file is first renamed into a trash folder, then its time is
 *    checked again (the blob store freshens an existing object's time when it is uploaded again,
 *    or writes a new copy if it is already gone); rows are dropped only while the write lock is
 *    held and the object is still absent; finally the refs of every repository are read again,
 *    and anything a commit pushed meanwhile names is put back, rows and bytes, before the trash
 *    is emptied.
 */
export interface GcOptions {
  dryRun?: boolean;
  graceSeconds?: number;
  now?: () => number;
  /** Called as work advances; awaited, so a test can act at an exact point of the run. */
  onProgress?: (phase: string, done: number, total: number) => void | Promise<void>;
}

export interface GcObject {
  area: string;
  md5: string;
  size: number;
  /** Repositories whose (dead) index rows named it. */
  repos: string[];
}

export interface GcReport {
  dataDir: string;
  dryRun: boolean;
  graceSeconds: number;
  repositories: Array<{
    repo: string;
    commits: number;
    pointerFiles: number;
    referencedObjects: number;
    unparsedPointerFiles: string[];
    /** Why every object of this repository was kept, when its references could not all be resolved. */
    keptAll?: string;
  }>;
  /** Set when a repository could not be read: nothing was removed. */
  aborted: { repo: string; error: string } | null;
  /** Objects removed (or, with --dry-run, that would be). */
  objects: GcObject[];
  bytes: number;
  indexRowsRemoved: number;
  /** Objects a concurrent upload or push claimed during the run, put back. */
  restored: string[];
  /** Objects that would go but were kept, and why (S3: over 5 GiB, gc-s3.ts). */
  notRemoved?: Array<{ area: string; md5: string; size: number; reason: string }>;
}

export const DEFAULT_GRACE_SECONDS = 24 * 3600;

/** What the repositories' histories name, per repository id. */
export interface Scan {
  refs: Map<number, string>;
  referenced: Map<number, Set<string>>;
  keepAll: Map<number, string>;
}

/** A gc run's options with their defaults, and its report before anything is found (disk and S3 alike). */
export function startGc(dataDir: string, opts: GcOptions) {
  const graceSeconds = opts.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  const dryRun = opts.dryRun ?? false;
  const report: GcReport = {
    dataDir,
    dryRun,
    graceSeconds,
    repositories: [],
    aborted: null,
    objects: [],
    bytes: 0,
    indexRowsRemoved: 0,
    restored: [],
  };
  return { graceSeconds, dryRun, now: opts.now ?? Date.now, progress: opts.onProgress ?? (() => {}), report };
}

export async function gc(dataDir: string, opts: GcOptions = {}): Promise<GcReport> {
  const { graceSeconds, now, progress, dryRun, report } = startGc(dataDir, opts);
  const db = openDataDb(dataDir, { readonly: dryRun });
  try {
    const repos = listRepos(db);
    const areas = blobAreasOf(dataDir);
    const scan: Scan = { refs: new Map(), referenced: new Map(), keepAll: new Map() };
    for (const [i, repo] of repos.entries()) {
      progress('reading repositories', i + 1, repos.length);
      try {
        const r = await scanRepo(dataDir, diskManifests(areas), repo, scan);
        report.repositories.push(r);
      } catch (err) {
        report.aborted = { repo: repo.fullName, error: (err as Error).message.slice(0, 2000) };
        return report;
      }
    }

    // Read after the scan: rows added since are young, and kept by the grace period.
    const cutoff = now() - graceSeconds * 1000;
    const { nameOf, rowIsLive, rowsOf } = indexLiveness(repos, scan, listIndex(db), cutoff);

    const doomed: Array<{ area: BlobArea; blob: BlobFile; rows: IndexRow[] }> = [];
    for (const area of areas) {
      const { blobs } = await listBlobFiles(area.root);
      for (const blob of blobs) {
        if (blob.mtimeMs > cutoff) continue;
        const rows = rowsOf.get(`${area.indexPrefix}${blob.md5}`) ?? [];
        if (rows.some(rowIsLive)) continue;
        doomed.push({ area, blob, rows });
      }
    }
    for (const d of doomed) {
      report.objects.push({
        area: d.area.algorithm,
        md5: d.blob.md5,
        size: d.blob.size,
        repos: [...new Set(d.rows.map((r) => nameOf.get(r.repoId) ?? `#${r.repoId}`))],
      });
      report.bytes += d.blob.size;
    }
    if (dryRun || doomed.length === 0) return report;

    // Removal (see the header comment, step 3).
    const trash = path.join(quarantineRootOf(dataDir), `gc-${new Date(now()).toISOString().replace(/[:.]/g, '-')}`);
    const trashed: Array<{ area: BlobArea; blob: BlobFile; trashFile: string; rows: IndexRow[] }> = [];
    const dropRow = db.prepare('DELETE FROM dvc_objects WHERE repo_id = ? AND oid = ? AND created_at <= ?');
    for (const [i, d] of doomed.entries()) {
      await progress('removing', i + 1, doomed.length);
      const trashFile = path.join(trash, d.area.algorithm, d.blob.md5);
      await fsp.mkdir(path.dirname(trashFile), { recursive: true });
      try {
        await fsp.rename(d.blob.file, trashFile);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      if ((await fsp.stat(trashFile)).mtimeMs > cutoff) {
        // Uploaded again just now: back in service.
        await putBack(trashFile, d.blob.file);
        report.restored.push(d.blob.md5);
        continue;
      }
      const dropped = db
        .transaction(() => {
          // An upload that found the object gone writes a new copy before its index row.
          if (fs.existsSync(d.blob.file)) return [];
          return d.rows.filter((r) => dropRow.run(r.repoId, r.key, cutoff).changes > 0);
        })
        .immediate();
      trashed.push({ ...d, trashFile, rows: dropped });
    }

    // Pushes that landed during the run: read those repositories again, put back what they name.
    const rescan: Scan = { refs: new Map(), referenced: new Map(), keepAll: new Map() };
    for (const repo of repos) {
      if ((await refSnapshot(gitDirOf(dataDir, repo.id))) !== scan.refs.get(repo.id)) {
        await scanRepo(dataDir, diskManifests(areas), repo, rescan);
      }
    }
    const reAdd = db.prepare('INSERT OR IGNORE INTO dvc_objects (repo_id, oid, size, created_at) VALUES (?, ?, ?, ?)');
    for (const t of trashed) {
      const claimed = t.rows.some(
        (r) => rescan.keepAll.has(r.repoId) || rescan.referenced.get(r.repoId)?.has(splitIndexKey(r.key).oid),
      );
      if (claimed) {
        await putBack(t.trashFile, t.blob.file);
        db.transaction(() => {
          for (const r of t.rows) reAdd.run(r.repoId, r.key, r.size, r.createdAt);
        })();
        report.restored.push(t.blob.md5);
        continue;
      }
      report.indexRowsRemoved += t.rows.length;
    }
    const restored = new Set(report.restored);
    report.objects = report.objects.filter((o) => !restored.has(o.md5));
    report.bytes = report.objects.reduce((n, o) => n + o.size, 0);
    await fsp.rm(trash, { recursive: true, force: true });
    return report;
  } finally {
    db.close();
  }
}

/**
 * Which index rows still hold their object: younger than `cutoff`, or of a repository whose
 * history names the object (or could not all be resolved). `rowsOf` groups rows by
 * `indexPrefix + md5`, the area's name of one stored object.
 */
export function indexLiveness(repos: RepoRow[], scan: Scan, index: IndexRow[], cutoff: number) {
  const repoIds = new Set(repos.map((r) => r.id));
  const nameOf = new Map(repos.map((r) => [r.id, r.fullName]));
  const rowIsLive = (row: IndexRow) => {
    if (row.createdAt > cutoff) return true;
    if (!repoIds.has(row.repoId)) return false;
    if (scan.keepAll.has(row.repoId)) return true;
    return scan.referenced.get(row.repoId)?.has(splitIndexKey(row.key).oid) ?? false;
  };
  const rowsOf = new Map<string, IndexRow[]>();
  for (const row of index) {
    const k = splitIndexKey(row.key);
    const id = `${k.indexPrefix}${k.md5}`;
    rowsOf.set(id, [...(rowsOf.get(id) ?? []), row]);
  }
  return { nameOf, rowIsLive, rowsOf };
}

/** The texts a `.dir` manifest's md5 names in the disk store's areas (none when absent). */
function diskManifests(areas: BlobArea[]): ReadManifests {
  return async (md5) =>
    areas
      .map((a) => path.join(a.root, md5.slice(0, 2), md5.slice(2)))
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.readFileSync(f, 'utf8'));
}

/** The texts stored under a `.dir` manifest's md5, one per blob area holding it. */
export type ReadManifests = (md5: string) => Promise<string[]>;

/** Reads one repository into `scan`; throws when its history cannot be read. */
export async function scanRepo(dataDir: string, readManifests: ReadManifests, repo: RepoRow, scan: Scan) {
  const dir = gitDirOf(dataDir, repo.id);
  if (!fs.existsSync(dir)) throw new Error(`git repository ${dir} is missing`);
  const refs = await repoReferences(dir);
  const referenced = new Set(refs.oids);
  let keptAll: string | undefined;
  for (const oid of refs.oids) {
    if (!oid.endsWith('.dir')) continue;
    const md5 = oid.slice(0, -4);
    const texts = await readManifests(md5);
    if (texts.length === 0) {
      keptAll ??= `manifest ${oid} is named by its history but not on the server`;
      continue;
    }
    for (const text of texts) {
      const parsed = parseDirManifest(text, oid);
      if (!parsed.ok) {
        keptAll ??= `manifest ${oid} does not parse: ${parsed.error.message}`;
        continue;
      }
      for (const e of parsed.value) referenced.add(e.md5);
    }
  }
  scan.refs.set(repo.id, refs.refs);
  scan.referenced.set(repo.id, referenced);
  if (keptAll) scan.keepAll.set(repo.id, keptAll);
  return {
    repo: repo.fullName,
    commits: refs.commits,
    pointerFiles: refs.pointerFiles,
    referencedObjects: referenced.size,
    unparsedPointerFiles: refs.unparsed,
    ...(keptAll ? { keptAll } : {}),
  };
}

/** Returns a trashed object to its place; if an upload already wrote a new copy, that one stays. */
async function putBack(trashFile: string, final: string): Promise<void> {
  try {
    await fsp.link(trashFile, final);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  await fsp.rm(trashFile, { force: true });
}
