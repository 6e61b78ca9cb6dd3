/**
 * `dvc status` of a commit, without a workspace: what a stage reads or writes is measured from
 * the commit's git tree, as DVC would measure a checkout of it.
 * - A path kept in git is hashed from its blob, with the lock entry's algorithm (DVC 2 locks,
 *   without `hash: md5`, use the legacy md5-dos2unix); a folder in git is hashed as DVC hashes a
 *   directory (the md5 of its `.dir` manifest).
 * - A path git does not hold but a stage or a `.dvc` file outputs (data in the DVC cache) has the
 *   hash its producer recorded — in dvc.lock or the `.dvc` file — which is what a checkout gives.
 *   A path inside such an output is not known (its hash lives in a manifest): not compared.
 * - Anything else does not exist at that commit.
 * File hashes are cached by blob id and algorithm in `cache`, so a second check that only sees
 * new params rehashes nothing.
 */
import { joinPath } from '../dvc/posix-path.ts';
import type { PipelineError } from '../errors/pipeline-error.ts';
import type { Result } from '../errors/result.ts';
import { dirHash } from '../hash/dir-manifest.ts';
import { type HashAlgorithm, hashAlgorithmOf, hashBytes } from '../hash/file-hash.ts';
import type { Md5Factory } from '../hash/md5.ts';
import type { RepoPipeline } from './repo-pipeline.ts';
import { type StageStatus, stageStatus } from './stage-status.ts';

export interface TreeSnapshot {
  /** Every blob of the commit: repository-relative path → blob id. */
  blobs: ReadonlyMap<string, string>;
  readBlob(oid: string): Promise<Uint8Array>;
}

/** File hashes by `algorithm:blob id`; keep one per repository for the tab's life. */
export type BlobHashCache = Map<string, { md5: string; size: number }>;

export interface TreeStatusOptions {
  md5: Md5Factory;
  cache?: BlobHashCache;
}

/** Status of every stage of `pipeline` at the commit whose tree is `tree`. */
export async function treeStatus(
  pipeline: RepoPipeline,
  tree: TreeSnapshot,
  options: TreeStatusOptions,
): Promise<Result<StageStatus[], PipelineError>> {
  const measured = await measureAtTree(pipeline, tree, options);
  return stageStatus({
    stages: pipeline.stages.filter((s) => !pipeline.excluded.includes(s.name)),
    lock: pipeline.lock,
    params: pipeline.params,
    graph: pipeline.graph,
    hashOf: (p, kind) => measured.get(`${kind}\0${p}`),
  });
}

/** Recorded hash of every output, by repository path and hash kind. */
function recordedOutputs(pipeline: RepoPipeline): Map<string, { md5: string | undefined; kind: string }> {
  const out = new Map<string, { md5: string | undefined; kind: string }>();
  for (const { file, dvc } of pipeline.dvcFiles) {
    const base = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
    for (const o of dvc.outs) out.set(joinPath(base, o.path), { md5: o.md5, kind: o.hashKind });
  }
  for (const stage of pipeline.stages) {
    const locked = pipeline.lock.stages[stage.name];
    for (const o of stage.outs) {
      const entry = locked?.outs.find((e) => e.path === o.path);
      out.set(joinPath(stage.wdir, o.path), { md5: entry?.md5, kind: entry?.hashKind ?? 'md5' });
    }
  }
  return out;
}

/** Current hashes keyed `kind\0path` for every dep and out the lock would compare. */
async function measureAtTree(
  pipeline: RepoPipeline,
  tree: TreeSnapshot,
  options: TreeStatusOptions,
): Promise<Map<string, string | null | undefined>> {
  const cache = options.cache ?? new Map();
  const recorded = recordedOutputs(pipeline);
  const sortedPaths = [...tree.blobs.keys()].sort();
  const hashBlob = async (oid: string, algorithm: HashAlgorithm) => {
    const key = `${algorithm}:${oid}`;
    let h = cache.get(key);
    if (!h) {
      h = await hashBytes(await tree.readBlob(oid), algorithm, options.md5);
      cache.set(key, h);
    }
    return h;
  };
  const measure = async (path: string, kind: string): Promise<string | null | undefined> => {
    const algorithm = hashAlgorithmOf({ hash: kind === 'md5-dos2unix' ? undefined : kind });
    const blob = tree.blobs.get(path);
    if (blob !== undefined) return algorithm ? (await hashBlob(blob, algorithm)).md5 : undefined;
    const under = filesUnder(sortedPaths, path);
    if (under.length > 0 && !recorded.has(path)) {
      if (!algorithm) return undefined;
      const entries = [];
      for (const p of under) {
        const h = await hashBlob(tree.blobs.get(p)!, algorithm);
        entries.push({ relpath: p.slice(path.length + 1), md5: h.md5, size: h.size });
      }
      return (await dirHash(entries, options.md5)).oid;
    }
    const producer = recorded.get(path);
    if (producer) return producer.md5;
    for (const out of recorded.keys()) if (path.startsWith(`${out}/`)) return undefined;
    return null;
  };

  const result = new Map<string, string | null | undefined>();
  for (const stage of pipeline.stages) {
    const locked = pipeline.lock.stages[stage.name];
    const kindOf = (written: string, entries: { path: string; hashKind: string }[] | undefined) =>
      entries?.find((e) => e.path === written)?.hashKind ?? 'md5';
    const wanted = [
      ...stage.deps.map((d) => [d, kindOf(d, locked?.deps)] as const),
      ...stage.outs.map((o) => [o.path, kindOf(o.path, locked?.outs)] as const),
    ];
    for (const [written, kind] of wanted) {
      const path = joinPath(stage.wdir, written);
      const key = `${kind}\0${path}`;
      if (!result.has(key)) result.set(key, await measure(path, kind));
    }
  }
  return result;
}

/** Paths in `sorted` that lie inside the folder `dir`. */
function filesUnder(sorted: readonly string[], dir: string): string[] {
  const prefix = dir === '.' ? '' : `${dir}/`;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < sorted.length && sorted[i]!.startsWith(prefix); i++) out.push(sorted[i]!);
  return out;
}
