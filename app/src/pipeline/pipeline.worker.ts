/**
 * Loads a commit's pipeline off the main thread: lists the commit's tree from the repository's
 * lightning-fs (read only), parses every dvc.yaml / dvc.lock / .dvc / params file with core,
 * and computes `dvc status` from the blobs (core's treeStatus). Blob hashes are cached by blob id
 * for the worker's life, so looking at another commit, or a commit that only changed params,
 * rehashes only blobs it has not seen. It also finds the commit that last changed a stage (core's
 * stageLastChange), with what those walks learnt kept per repository.
 */
import '../experiments/worker-globals.ts';
import {
  type BlobHashCache,
  diffPipelines,
  hashWasmMd5,
  joinPath,
  loadRepoPipeline,
  type MetricValue,
  type ParseCache,
  ParseError,
  PipelineError,
  parseCache,
  parseMetrics,
  treeStatus,
} from '@cairn/core';
import type { GitObjectStore } from '@cairn/core/git';
import { type StageHistoryCache, stageHistoryCache, stageLastChange } from '@cairn/core/pipeline';
import { makeWorkerObjectStores } from '../workers/worker-object-stores.ts';
import type { PipelineProblem, PipelineRequest, PipelineResponse, PipelineSnapshot } from './pipeline-protocol.ts';

const stores = makeWorkerObjectStores();
const hashCaches = new Map<string, BlobHashCache>();
const parseCaches = new Map<string, ParseCache>();
const historyCaches = new Map<string, StageHistoryCache>();
const md5 = hashWasmMd5();

function problemOf(error: unknown): PipelineProblem {
  if (error instanceof ParseError) {
    return {
      kind: 'parse',
      code: error.code,
      text: error.describe(),
      ...(error.file !== undefined ? { file: error.file } : {}),
      ...(error.line !== undefined ? { line: error.line } : {}),
      ...(error.column !== undefined ? { column: error.column } : {}),
      stages: [],
    };
  }
  if (error instanceof PipelineError) {
    return { kind: 'pipeline', code: error.code, text: error.message, stages: error.stages };
  }
  return { kind: 'status', code: 'failed', text: error instanceof Error ? error.message : String(error), stages: [] };
}

/** Every blob of the commit's tree, path → blob id (submodules skipped). */
async function listBlobs(store: GitObjectStore, commit: string): Promise<Map<string, string>> {
  const blobs = new Map<string, string>();
  const walk = async (tree: string, prefix: string) => {
    for (const e of await store.readTree(tree)) {
      const path = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.type === 'blob') blobs.set(path, e.oid);
      else if (e.type === 'tree') await walk(e.oid, path);
    }
  };
  await walk((await store.readCommit(commit)).tree, '');
  return blobs;
}

async function snapshotOf(
  store: GitObjectStore,
  cache: BlobHashCache,
  parsed: ParseCache,
  commit: string,
): Promise<PipelineSnapshot> {
  const t0 = performance.now();
  const blobs = await listBlobs(store, commit);
  const decoder = new TextDecoder();
  const pipeline = await loadRepoPipeline({
    parsed,
    paths: [...blobs.keys()],
    read: async (path) => {
      const oid = blobs.get(path);
      return oid === undefined ? undefined : decoder.decode(await store.readBlob(oid));
    },
  });
  const t1 = performance.now();
  const problems = pipeline.errors.map(problemOf);
  let status = null;
  try {
    const result = await treeStatus(pipeline, { blobs, readBlob: (oid) => store.readBlob(oid) }, { md5, cache });
    if (result.ok) status = result.value;
    else problems.push(problemOf(result.error));
  } catch (error) {
    problems.push(problemOf(error));
  }
  // Metrics files in git (cache: false, as DVC's examples keep them) are read here; cached ones
  // live in the data store and are not read for the graph.
  const metrics: PipelineSnapshot['metrics'] = {};
  for (const stage of pipeline.stages) {
    for (const out of stage.outs) {
      if (out.kind !== 'metric') continue;
      const path = joinPath(stage.wdir, out.path);
      const oid = blobs.get(path);
      if (oid === undefined || path in metrics) continue;
      const parsed = parseMetrics(decoder.decode(await store.readBlob(oid)), path);
      metrics[path] = parsed.ok ? (parsed.value as Record<string, MetricValue>) : parsed.error.describe();
    }
  }
  const { errors: _errors, ...plain } = pipeline;
  return {
    commit,
    pipeline: plain,
    problems,
    status,
    gitPaths: [...blobs.keys()],
    metrics,
    ms: { load: t1 - t0, status: performance.now() - t1 },
  };
}

self.onmessage = async (event: MessageEvent<PipelineRequest>) => {
  const request = event.data;
  const { id, fsName, dir, commit } = request;
  const key = `${fsName}\0${dir}`;
  try {
    const store = stores.open(fsName, dir);
    if (request.kind === 'last-change') {
      const history = historyCaches.get(key) ?? stageHistoryCache();
      historyCaches.set(key, history);
      const lastChange = await stageLastChange(
        store,
        { head: commit, file: request.file, local: request.local },
        history,
      );
      const reply: PipelineResponse = { id, ok: true, lastChange };
      self.postMessage(reply);
      return;
    }
    const cache: BlobHashCache = hashCaches.get(key) ?? new Map();
    hashCaches.set(key, cache);
    const parsed = parseCaches.get(key) ?? parseCache();
    parseCaches.set(key, parsed);
    const snapshot = await snapshotOf(store, cache, parsed, commit);
    let reply: PipelineResponse = { id, ok: true, snapshot };
    if (request.base !== undefined) {
      const baseSnapshot = await snapshotOf(store, cache, parsed, request.base);
      const diff = diffPipelines({ ...baseSnapshot.pipeline, errors: [] }, { ...snapshot.pipeline, errors: [] });
      reply = { id, ok: true, snapshot, base: baseSnapshot, diff };
    }
    self.postMessage(reply);
  } catch (error) {
    stores.forget(fsName, dir);
    const reply: PipelineResponse = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
    self.postMessage(reply);
  }
};
