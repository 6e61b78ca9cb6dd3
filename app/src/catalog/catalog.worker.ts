/**
 * Builds a commit's catalog off the main thread (see catalog-protocol.ts): lists the commit's
 * tree from the repository's lightning-fs (read only), loads every pipeline file with core, reads
 * every notebook, then walks up to HISTORY_LIMIT first-parent commits to find when each output's
 * recorded hash and each notebook last changed. Trees and parsed pointer files are cached by
 * object id for the worker's life, so a second look at the repository reads only new objects.
 */
import '../experiments/worker-globals.ts';
import { loadRepoPipeline, parseDvcFile, parseDvcLock } from '@cairn/core';
import type { GitCommitInfo, GitObjectStore, GitTreeEntry } from '@cairn/core/git';
import { makeWorkerObjectStores } from '../workers/worker-object-stores.ts';
import { datasetsOf, joinPath, notebookSummary } from './catalog.ts';
import type { Catalog, CatalogRequest, CatalogResponse, CommitRef, NotebookEntry } from './catalog-protocol.ts';

const HISTORY_LIMIT = 300;
const stores = makeWorkerObjectStores();
const trees = new Map<string, GitTreeEntry[]>();
/** Pointer-file blob id → output path → recorded hash. */
const recorded = new Map<string, Map<string, string>>();
const decoder = new TextDecoder();

async function treeOf(store: GitObjectStore, oid: string): Promise<GitTreeEntry[]> {
  let t = trees.get(oid);
  if (!t) {
    t = await store.readTree(oid);
    trees.set(oid, t);
  }
  return t;
}

/** The blob id at `path` in `tree`, or null. */
async function blobAt(store: GitObjectStore, tree: string, path: string): Promise<string | null> {
  let cur = tree;
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const e = (await treeOf(store, cur)).find((x) => x.name === parts[i]);
    if (!e) return null;
    if (i === parts.length - 1) return e.type === 'blob' ? e.oid : null;
    if (e.type !== 'tree') return null;
    cur = e.oid;
  }
  return null;
}

async function listBlobs(store: GitObjectStore, tree: string): Promise<Map<string, string>> {
  const blobs = new Map<string, string>();
  const walk = async (t: string, prefix: string) => {
    for (const e of await treeOf(store, t)) {
      const path = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.type === 'blob') blobs.set(path, e.oid);
      else if (e.type === 'tree') await walk(e.oid, path);
    }
  };
  await walk(tree, '');
  return blobs;
}

/** The hashes a `.dvc` file or `dvc.lock` blob records, by repository-relative output path. */
async function recordedBy(store: GitObjectStore, file: string, blob: string): Promise<Map<string, string>> {
  const cached = recorded.get(blob);
  if (cached) return cached;
  const map = new Map<string, string>();
  const text = decoder.decode(await store.readBlob(blob));
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  if (file.endsWith('dvc.lock')) {
    const r = parseDvcLock(text, file);
    if (r.ok)
      for (const s of Object.values(r.value.stages))
        for (const o of s.outs) map.set(joinPath(dir, o.path), o.md5 ?? '');
  } else {
    const r = parseDvcFile(text, file);
    if (r.ok) for (const o of r.value.outs) map.set(joinPath(dir, o.path), o.md5 ?? '');
  }
  recorded.set(blob, map);
  return map;
}

const refOf = (c: GitCommitInfo): CommitRef => ({
  oid: c.oid,
  time: c.committer.timestamp,
  message: c.message.split('\n')[0] ?? '',
  author: c.author.name,
});

async function catalogOf(store: GitObjectStore, commit: string): Promise<Catalog> {
  const head = await store.readCommit(commit);
  const blobs = await listBlobs(store, head.tree);
  const problems: string[] = [];
  const pipeline = await loadRepoPipeline({
    paths: [...blobs.keys()],
    read: async (path) => {
      const oid = blobs.get(path);
      return oid === undefined ? undefined : decoder.decode(await store.readBlob(oid));
    },
  });
  for (const e of pipeline.errors) problems.push(e.message);
  const datasets = datasetsOf(pipeline);

  let gitBytes = 0;
  const notebooks: NotebookEntry[] = [];
  for (const [path, oid] of blobs) {
    const bytes = await store.readBlob(oid);
    gitBytes += bytes.length;
    if (path.toLowerCase().endsWith('.ipynb')) {
      notebooks.push({ ...notebookSummary(path, decoder.decode(bytes)), bytes: bytes.length, lastChange: null });
    }
  }

  // First-parent history, newest first.
  const chain: GitCommitInfo[] = [head];
  while (chain.length < HISTORY_LIMIT) {
    const parent = chain[chain.length - 1]!.parents[0];
    if (!parent) break;
    try {
      chain.push(await store.readCommit(parent));
    } catch {
      break; // a shallow clone ends here
    }
  }
  const notebookOids = await Promise.all(
    chain.map(async (c) => Promise.all(notebooks.map((n) => blobAt(store, c.tree, n.path)))),
  );
  notebooks.forEach((n, j) => {
    for (let i = 0; i < chain.length; i++) {
      const here = notebookOids[i]![j];
      const before = i + 1 < chain.length ? notebookOids[i + 1]![j] : null;
      if (here !== before) {
        n.lastChange = refOf(chain[i]!);
        return;
      }
    }
  });
  const hashes: Array<Array<string | null>> = [];
  for (const c of chain) {
    const row: Array<string | null> = [];
    for (const d of datasets) {
      const blob = await blobAt(store, c.tree, d.recordedIn);
      row.push(blob ? ((await recordedBy(store, d.recordedIn, blob)).get(d.path) ?? null) : null);
    }
    hashes.push(row);
  }
  datasets.forEach((d, j) => {
    for (let i = 0; i < chain.length; i++) {
      const here = hashes[i]![j];
      const before = i + 1 < chain.length ? hashes[i + 1]![j] : null;
      if (here !== null && here !== before) d.changes.push(refOf(chain[i]!));
    }
  });
  notebooks.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { commit, datasets, notebooks, gitBytes, gitFiles: blobs.size, scanned: chain.length, problems };
}

self.onmessage = async (event: MessageEvent<CatalogRequest>) => {
  const { id, fsName, dir, commit } = event.data;
  try {
    const store = stores.open(fsName, dir);
    const reply: CatalogResponse = { id, ok: true, catalog: await catalogOf(store, commit) };
    self.postMessage(reply);
  } catch (error) {
    stores.forget(fsName, dir);
    const reply: CatalogResponse = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
    self.postMessage(reply);
  }
};
