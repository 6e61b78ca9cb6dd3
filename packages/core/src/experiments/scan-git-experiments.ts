/**
 * The git-experiment scanner: finds the runs in a repository's history — every branch and
 * every DVC experiment ref under `refs/exps/` — and keeps what it learned, so the next scan
 * (after a fetch or a commit) reads only the new commits.
 *
 * A commit is a run when its experiment files changed against its first parent (or it is a
 * root commit holding them): DagsHub-style `*params.yml|yaml|json` and `*metrics.csv`
 * anywhere, or the params and metrics files its `dvc.yaml` names. Costs are bounded by what
 * changed: trees are indexed once per tree id (tree-index.ts) and every file is parsed once
 * per blob id.
 *
 * With a ScanCache (scan-cache.ts) what was learned outlives the scanner: a new session's
 * scanner reads only commits no earlier scan analysed.
 *
 *   const scanner = new GitExperimentScanner(reader, { cache });
 *   const runs = await scanner.scan();      // first time: the whole history (or only what the cache lacks)
 *   const again = await scanner.scan();     // later: only commits not seen before
 */
import { parseDvcLock } from '../dvc/dvc-lock.ts';
import { dirnameOf, joinPath } from '../dvc/posix-path.ts';
import type { ParseError } from '../errors/parse-error.ts';
import type { GitCommitInfo, GitReader, GitRef } from '../git/git-reader.ts';
import { type FileOids, TreeIndex } from '../git/tree-index.ts';
import { latestMetrics, type MetricPoint, type Run, summarizeMetrics } from '../runs/run.ts';
import {
  cachedOutHolding,
  type DvcExperimentFiles,
  dvcExperimentFiles,
  pickTrackedParams,
} from './dvc-experiment-files.ts';
import { isDagsHubMetricsName, isDagsHubParamsName, isDvcYamlName } from './experiment-file-names.ts';
import {
  type ExperimentProblem,
  GIT_EXPERIMENT_TAGS,
  type GitExperiment,
  type MetricsState,
} from './git-experiment.ts';
import {
  decodeText,
  type MetricsFileSource,
  parseStructured,
  readMetricsFile,
  readParamsFile,
} from './read-experiment-file.ts';
import { type CommitAnalysis, SCAN_FORMAT_VERSION, type ScanCache, type ScanCacheEntry } from './scan-cache.ts';

export interface ScanOptions {
  /** Stop after this many commits per scan (newest first); undefined = all. */
  maxCommits?: number;
  /** Commits analysed at once (the reader's I/O overlaps). */
  concurrency?: number;
}

function problemOf(e: ParseError): ExperimentProblem {
  return {
    file: e.file ?? '',
    code: e.code,
    message: e.message,
    ...(e.line !== undefined ? { line: e.line } : {}),
    ...(e.column !== undefined ? { column: e.column } : {}),
  };
}

function shortRef(ref: string): string {
  return ref.replace(/^refs\/(heads|remotes)\//, '').replace(/^refs\//, '');
}

function signature(entries: [string, string][]): string {
  return entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([p, o]) => `${p}\0${o}`)
    .join('\n');
}

export class GitExperimentScanner {
  readonly trees: TreeIndex;
  private readonly commits = new Map<string, Promise<GitCommitInfo>>();
  private readonly analyses = new Map<string, Promise<CommitAnalysis>>();
  private readonly parsedParams = new Map<
    string,
    Promise<{ value: Record<string, string>; problem?: ExperimentProblem }>
  >();
  private readonly parsedMetrics = new Map<string, Promise<{ value: MetricPoint[]; problem?: ExperimentProblem }>>();
  private readonly dvcFiles = new Map<string, Promise<DvcExperimentFiles>>();
  /** dvc.lock blob → its outputs' hashes (path relative to the lock's folder → md5). */
  private readonly lockOuts = new Map<string, Promise<Record<string, string>>>();
  /** dvc.yaml blob → its text, and whether it interpolates `${…}` (and so depends on params.yaml). */
  private readonly dvcSources = new Map<string, Promise<{ text: string; interpolates: boolean }>>();
  private readonly cache: ScanCache | undefined;
  private cacheLoaded: Promise<void> | null = null;
  /** Analyses that came from the cache (their trees were not read in this session). */
  private readonly fromCache = new Map<string, CommitAnalysis>();
  /** Analysed in this session and not yet saved to the cache. */
  private readonly unsaved = new Set<string>();

  constructor(
    private readonly git: GitReader,
    options: { cache?: ScanCache } = {},
  ) {
    this.trees = new TreeIndex(git);
    this.cache = options.cache;
  }

  private loadCache(): Promise<void> {
    this.cacheLoaded ??= (async () => {
      if (!this.cache) return;
      let entries: ScanCacheEntry[];
      try {
        entries = await this.cache.load();
      } catch {
        return; // a damaged or unavailable cache only costs a full scan
      }
      for (const e of entries) {
        if (e.version !== SCAN_FORMAT_VERSION || this.analyses.has(e.oid)) continue;
        this.fromCache.set(e.oid, e.analysis);
        this.analyses.set(e.oid, Promise.resolve(e.analysis));
        this.commits.set(e.oid, Promise.resolve(e.analysis.commit));
      }
    })();
    return this.cacheLoaded;
  }

  private async saveCache(): Promise<void> {
    if (!this.cache || this.unsaved.size === 0) return;
    const oids = [...this.unsaved];
    this.unsaved.clear();
    const entries: ScanCacheEntry[] = [];
    for (const oid of oids) {
      const a = await this.analyses.get(oid)?.catch(() => null);
      if (!a) continue;
      // A commit with its parent's metrics files never shows its history (it is not a run with
      // metrics of its own): keeping it would copy the history into every later code commit.
      const p = a.commit.parents[0];
      const parent = p ? await this.analyses.get(p)?.catch(() => null) : null;
      const shared = parent && parent.metricsSig === a.metricsSig && a.history.length > 0;
      const analysis = shared ? { ...a, history: [], historyOmitted: true } : a;
      entries.push({ version: SCAN_FORMAT_VERSION, oid, analysis });
    }
    try {
      await this.cache.save(entries);
    } catch {
      for (const oid of oids) this.unsaved.add(oid); // try again after the next scan
    }
  }

  private async pruneCache(reached: ReadonlySet<string>): Promise<void> {
    if (!this.cache?.prune) return;
    try {
      await this.cache.prune(reached);
    } catch {
      // Stale entries cost only space; the next scan tries again.
    }
  }

  private commit(oid: string): Promise<GitCommitInfo> {
    let c = this.commits.get(oid);
    if (!c) {
      c = this.git.readCommit(oid);
      this.commits.set(oid, c);
    }
    return c;
  }

  /** All runs reachable from the repository's refs, newest commit first. */
  async scan(options: ScanOptions = {}): Promise<GitExperiment[]> {
    await this.loadCache();
    const refs = await this.git.listRefs();
    const order = await this.walk(refs, options.maxCommits);
    const results: (GitExperiment | null)[] = new Array(order.length).fill(null);
    const concurrency = options.concurrency ?? 8;
    let next = 0;
    const worker = async () => {
      while (next < order.length) {
        const i = next++;
        const { oid, refs: reachedBy } = order[i] as { oid: string; refs: string[] };
        results[i] = await this.experimentOf(oid, reachedBy);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, order.length) }, worker));
    await this.saveCache();
    // Only after a walk of the whole history (and never on an empty one: refs that failed to list).
    if (options.maxCommits === undefined && order.length > 0) await this.pruneCache(new Set(order.map((o) => o.oid)));
    return results
      .filter((r): r is GitExperiment => r !== null)
      .sort((a, b) => (b.run.startTime ?? 0) - (a.run.startTime ?? 0));
  }

  /** Commits reachable from the refs, each with the refs that reach it (in ref order). */
  private async walk(refs: GitRef[], max?: number): Promise<{ oid: string; refs: string[] }[]> {
    const reached = new Map<string, string[]>();
    for (const { ref, oid } of refs) {
      const name = shortRef(ref);
      const stack = [oid];
      while (stack.length > 0) {
        const c = stack.pop() as string;
        const have = reached.get(c);
        if (have) {
          // Already reached by an earlier ref: its ancestors are too, unless this ref is new there.
          if (have.includes(name)) continue;
          have.push(name);
        } else {
          if (max !== undefined && reached.size >= max) continue;
          reached.set(c, [name]);
        }
        let info: GitCommitInfo;
        try {
          info = await this.commit(c);
        } catch {
          // Not in this repository (a shallow clone's boundary): not a commit to show.
          if (!have) reached.delete(c);
          continue;
        }
        for (const p of info.parents) stack.push(p);
      }
    }
    return [...reached].map(([oid, r]) => ({ oid, refs: r }));
  }

  private async experimentOf(oid: string, refs: string[]): Promise<GitExperiment | null> {
    let a = await this.analysis(oid);
    if (!a.paramsSig && !a.metricsSig) return null;
    const parentOid = a.commit.parents[0];
    let parent: CommitAnalysis | null = null;
    if (parentOid) parent = await this.analysis(parentOid).catch(() => null);
    const metricsChanged = a.metricsSig !== (parent?.metricsSig ?? '');
    const paramsChanged = a.paramsSig !== (parent?.paramsSig ?? '');
    if (!metricsChanged && !paramsChanged) return null;

    let state: MetricsState;
    if (a.dvcMetricsFiles.length > 0 && a.historyPoints === 0) state = 'in-dvc-data';
    else if (a.missingMetrics && a.historyPoints === 0) state = 'missing';
    else if (!metricsChanged) state = 'params-only';
    else state = 'present';
    if (state === 'present' && a.historyOmitted) {
      // Cached without its history (its parent had the same metrics files), yet its parent is
      // not here to compare with now: read the commit again for the history.
      this.analyses.delete(oid);
      this.fromCache.delete(oid);
      a = await this.analysis(oid);
    }
    const history = state === 'present' ? a.history : [];
    const summaries = summarizeMetrics(history);
    const branch = refs[0] ?? '';
    const expRef = refs.find((r) => r.startsWith('exps/'));
    const title = a.commit.message.split('\n')[0]?.trim() || a.commit.oid.slice(0, 7);
    const run: Run = {
      id: a.commit.oid,
      source: { kind: 'git', commit: a.commit.oid, branch },
      name: expRef && branch === expRef ? (expRef.split('/').pop() ?? title) : title,
      status: 'FINISHED',
      lifecycleStage: 'active',
      startTime: a.commit.author.timestamp * 1000,
      endTime: a.commit.committer.timestamp * 1000,
      userId: a.commit.author.name,
      artifactUri: '',
      params: a.params,
      metrics: latestMetrics(summaries),
      metricSummaries: summaries,
      tags: {
        [GIT_EXPERIMENT_TAGS.source]: 'git',
        [GIT_EXPERIMENT_TAGS.commit]: a.commit.oid,
        [GIT_EXPERIMENT_TAGS.branch]: branch,
        [GIT_EXPERIMENT_TAGS.metricsState]: state,
        ...(expRef ? { [GIT_EXPERIMENT_TAGS.dvcExperiment]: expRef.split('/').pop() as string } : {}),
        ...Object.fromEntries(
          Object.entries(a.outs ?? {}).map(([p, md5]) => [`${GIT_EXPERIMENT_TAGS.outPrefix}${p}`, md5]),
        ),
      },
    };
    return {
      run,
      history,
      metricsState: state,
      paramsFiles: a.paramsFiles,
      metricsFiles: a.metricsFiles,
      dvcMetricsFiles: a.dvcMetricsFiles,
      outs: a.outs ?? {},
      refs,
      problems: a.problems,
    };
  }

  private analysis(oid: string): Promise<CommitAnalysis> {
    let a = this.analyses.get(oid);
    if (!a) {
      a = this.analyse(oid);
      this.analyses.set(oid, a);
      this.unsaved.add(oid);
      a.catch(() => {
        this.analyses.delete(oid);
        this.unsaved.delete(oid);
      });
    }
    return a;
  }

  private async analyse(oid: string): Promise<CommitAnalysis> {
    const commit = await this.commit(oid);
    const files = await this.filesOf(commit);
    const problems: ExperimentProblem[] = [];
    const timestamp = commit.author.timestamp * 1000;

    const paramsEntries: [string, string][] = [];
    const metricsEntries: [string, string][] = [];
    const paramKeys = new Map<string, string[] | null>();
    const dvcMetricsFiles: string[] = [];
    /** Metrics files a dvc.yaml names: read as DVC reads them, even when the name is DagsHub-style. */
    const dvcNamed = new Set<string>();
    let missingMetrics = false;

    for (const [path, blob] of files) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      if (isDagsHubParamsName(name)) {
        paramsEntries.push([path, blob]);
        paramKeys.set(path, null);
      } else if (isDagsHubMetricsName(name)) metricsEntries.push([path, blob]);
    }

    for (const [path, blob] of files) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      if (!isDvcYamlName(name)) continue;
      const dvc = await this.dvcFilesOf(path, blob, files);
      for (const p of dvc.problems) problems.push(problemOf(p));
      for (const ref of dvc.params) {
        const pblob = files.get(ref.file) ?? (await this.trees.blobAt(commit.tree, ref.file));
        if (!pblob) continue;
        if (!paramsEntries.some(([p]) => p === ref.file)) paramsEntries.push([ref.file, pblob]);
        const prev = paramKeys.get(ref.file);
        paramKeys.set(ref.file, prev === null || ref.keys === null ? null : [...(prev ?? []), ...ref.keys]);
      }
      for (const m of dvc.metrics) {
        dvcNamed.add(m);
        if (metricsEntries.some(([p]) => p === m)) continue;
        const mblob = await this.trees.blobAt(commit.tree, m);
        if (mblob) {
          metricsEntries.push([m, mblob]);
        } else if (cachedOutHolding(m, dvc.cachedOuts)) {
          dvcMetricsFiles.push(m);
          // The metrics change when the lock file (which pins the output's hash) changes.
          const lock =
            files.get(joinPath(dirnameOf(path), 'dvc.lock')) ??
            (await this.trees.blobAt(commit.tree, joinPath(dirnameOf(path), 'dvc.lock')));
          if (lock) metricsEntries.push([`${m}@dvc.lock`, lock]);
        } else {
          missingMetrics = true;
        }
      }
    }

    // The hashes DVC recorded for each stage's outputs: what an experiment produced.
    const outs: Record<string, string> = {};
    for (const [path] of files) {
      if (!isDvcYamlName(path.slice(path.lastIndexOf('/') + 1))) continue;
      const lockPath = joinPath(dirnameOf(path), 'dvc.lock');
      const lock = files.get(lockPath) ?? (await this.trees.blobAt(commit.tree, lockPath));
      if (!lock) continue;
      for (const [out, md5] of Object.entries(await this.outsOf(lock))) outs[joinPath(dirnameOf(path), out)] = md5;
    }

    const params: Record<string, string> = {};
    const prefixed = paramsEntries.length > 1;
    for (const [path, blob] of paramsEntries) {
      const r = await this.paramsOf(path, blob);
      if (r.problem) problems.push(r.problem);
      const picked = pickTrackedParams(r.value, paramKeys.get(path) ?? null);
      for (const [k, v] of Object.entries(picked)) params[prefixed ? `${path}:${k}` : k] = v;
    }

    const history: MetricPoint[] = [];
    const realMetrics = metricsEntries.filter(([p]) => !p.endsWith('@dvc.lock'));
    const prefixMetrics = realMetrics.length > 1;
    for (const [path, blob] of realMetrics) {
      const r = await this.metricsOf(path, blob, timestamp, dvcNamed.has(path) ? 'dvc' : 'dagshub');
      if (r.problem) problems.push(r.problem);
      for (const p of r.value) history.push(prefixMetrics ? { ...p, key: `${path}:${p.key}` } : p);
    }

    return {
      commit,
      files: [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      paramsSig: signature(paramsEntries),
      metricsSig: signature(metricsEntries),
      params,
      history,
      historyPoints: history.length,
      paramsFiles: paramsEntries.map(([p]) => p).sort(),
      metricsFiles: realMetrics.map(([p]) => p).sort(),
      dvcMetricsFiles,
      outs,
      missingMetrics,
      problems,
    };
  }

  private outsOf(blob: string): Promise<Record<string, string>> {
    let o = this.lockOuts.get(blob);
    if (!o) {
      o = this.git.readBlob(blob).then((bytes) => {
        const lock = parseDvcLock(decodeText(bytes));
        const out: Record<string, string> = {};
        if (!lock.ok) return out; // a broken lock only hides the hashes; dvc.yaml problems are reported
        for (const stage of Object.values(lock.value.stages)) {
          for (const entry of stage.outs) if (entry.md5) out[entry.path] = entry.md5;
        }
        return out;
      });
      this.lockOuts.set(blob, o);
    }
    return o;
  }

  /**
   * The commit's experiment files. When its parent's analysis came from the cache, this
   * session has not indexed the parent's trees: comparing the two trees reuses the parent's
   * files under every unchanged folder, so only folders that changed are read (as `git log -p`).
   */
  private filesOf(commit: GitCommitInfo): Promise<FileOids> {
    const parent = commit.parents[0] ? this.fromCache.get(commit.parents[0]) : undefined;
    if (parent && !this.trees.hasIndexed(commit.tree)) {
      return this.trees.experimentFilesAgainst(commit.tree, parent.commit.tree, new Map(parent.files));
    }
    return this.trees.experimentFiles(commit.tree);
  }

  private async dvcFilesOf(path: string, blob: string, files: FileOids): Promise<DvcExperimentFiles> {
    // Interpolation (`${…}`) reads params.yaml beside dvc.yaml, so then both ids key the cache;
    // a dvc.yaml without it means the same whatever params.yaml holds (the common case: every
    // experiment commit changes params.yaml). Paths in the result depend on where dvc.yaml is.
    const { text, interpolates } = await this.dvcSource(blob);
    const paramsPath = joinPath(dirnameOf(path), 'params.yaml');
    const paramsBlob = interpolates ? (files.get(paramsPath) ?? '') : '';
    const key = `${path}\0${blob}\0${paramsBlob}`;
    let d = this.dvcFiles.get(key);
    if (!d) {
      d = (async () => {
        let params: unknown;
        if (paramsBlob) {
          const parsed = parseStructured(decodeText(await this.git.readBlob(paramsBlob)), paramsPath);
          if (parsed.ok) params = parsed.value;
        }
        return dvcExperimentFiles(path, text, params);
      })();
      this.dvcFiles.set(key, d);
    }
    return d;
  }

  private dvcSource(blob: string): Promise<{ text: string; interpolates: boolean }> {
    let s = this.dvcSources.get(blob);
    if (!s) {
      s = this.git.readBlob(blob).then((bytes) => {
        const text = decodeText(bytes);
        return { text, interpolates: text.includes('${') };
      });
      this.dvcSources.set(blob, s);
    }
    return s;
  }

  private paramsOf(path: string, blob: string) {
    const key = `${blob}:${path.slice(path.lastIndexOf('.'))}`;
    let p = this.parsedParams.get(key);
    if (!p) {
      p = (async () => {
        const r = readParamsFile(decodeText(await this.git.readBlob(blob)), path);
        return r.ok ? { value: r.value } : { value: {}, problem: problemOf(r.error) };
      })();
      this.parsedParams.set(key, p);
    }
    return p;
  }

  private async metricsOf(path: string, blob: string, timestamp: number, source: MetricsFileSource) {
    // Parsed once per blob: points of DVC metrics files carry no time of their own (NaN here,
    // which a DagsHub series never holds: its reader refuses non-finite timestamps) and take
    // the commit's.
    const key = `${blob}:${path.slice(path.lastIndexOf('.')).toLowerCase()}:${source}`;
    let m = this.parsedMetrics.get(key);
    if (!m) {
      m = (async () => {
        const r = readMetricsFile(decodeText(await this.git.readBlob(blob)), path, Number.NaN, source);
        return r.ok ? { value: r.value } : { value: [], problem: problemOf(r.error) };
      })();
      this.parsedMetrics.set(key, m);
    }
    const r = await m;
    if (!r.value.some((p) => Number.isNaN(p.timestamp))) return r;
    return { ...r, value: r.value.map((p) => (Number.isNaN(p.timestamp) ? { ...p, timestamp } : p)) };
  }
}
