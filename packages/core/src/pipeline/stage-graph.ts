/**
 * pipeline/ — the pipeline as a graph, as DVC builds it (dvc/repo/graph.py): one node per stage
 * and per `.dvc` file; an edge from A to B when one of B's deps equals, lies inside, or contains
 * one of A's outputs (paths resolved against wdir / the .dvc file's folder). Refuses what DVC
 * refuses: one path output by two stages, outputs nested in each other, cycles.
 */
import type { DvcFile } from '../dvc/dvc-file.ts';
import type { Stage, StageOut } from '../dvc/expand-stages.ts';
import { dirnameOf, joinPath } from '../dvc/posix-path.ts';
import { PipelineError } from '../errors/pipeline-error.ts';
import { failWith, ok, type Result } from '../errors/result.ts';

export interface GraphNode {
  /** Stage name (`train`, `build@us`) or the `.dvc` file's path (`data/data.xml.dvc`). */
  id: string;
  kind: 'stage' | 'dvcfile';
  stage?: Stage;
  /** Repository-relative, normalised paths. */
  deps: string[];
  outs: string[];
}

export interface GraphEdge {
  /** Upstream node (the producer). */
  from: string;
  /** Downstream node (the consumer). */
  to: string;
  /** Each output of `from` that a dep of `to` matches, with that dep. */
  via: { out: string; dep: string }[];
}

export interface StageGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Node ids, upstream before downstream; ties keep definition order. */
  order: string[];
}

export interface StageGraphInput {
  stages: Stage[];
  /** Directory of the dvc.yaml, relative to the repository root ('.' by default). */
  dir?: string;
  /** `.dvc` files of the repository, by repository-relative path. */
  dvcFiles?: { file: string; dvc: DvcFile }[];
}

/** A stage path resolved to repository-relative form. */
export function resolveStagePath(stage: Stage, path: string, dir = '.'): string {
  return joinPath(dir, stage.wdir, path);
}

/** Builds the stage graph, or says why the stages do not form one. */
export function buildStageGraph(input: StageGraphInput): Result<StageGraph, PipelineError> {
  const dir = input.dir ?? '.';
  const nodes: GraphNode[] = [];
  for (const { file, dvc } of input.dvcFiles ?? []) {
    const base = dirnameOf(file);
    nodes.push({
      id: file,
      kind: 'dvcfile',
      deps: dvc.deps
        .filter((d) => d.repo === undefined && d.extra.repo === undefined)
        .map((d) => joinPath(base, d.path)),
      outs: dvc.outs.map((o) => joinPath(base, o.path)),
    });
  }
  for (const stage of input.stages) {
    nodes.push({
      id: stage.name,
      kind: 'stage',
      stage,
      deps: stage.deps.map((p) => resolveStagePath(stage, p, dir)),
      outs: stage.outs.map((o) => resolveStagePath(stage, o.path, dir)),
    });
  }

  // Who outputs each path; the same path twice, or one output inside another, is refused.
  const owner = new Map<string, string>();
  for (const node of nodes) {
    for (const out of node.outs) {
      const had = owner.get(out);
      if (had !== undefined && had !== node.id) {
        return failWith(
          new PipelineError({
            code: 'duplicate_output',
            message: `'${out}' is an output of both '${had}' and '${node.id}'.`,
            stages: [had, node.id],
            paths: [out],
          }),
        );
      }
      owner.set(out, node.id);
    }
  }
  for (const [out, id] of owner) {
    for (let parent = dirnameOf(out); parent !== '.'; parent = dirnameOf(parent)) {
      const other = owner.get(parent);
      if (other !== undefined && other !== id) {
        return failWith(
          new PipelineError({
            code: 'overlapping_outputs',
            message: `'${out}' (output of '${id}') lies inside '${parent}' (output of '${other}').`,
            stages: [other, id],
            paths: [parent, out],
          }),
        );
      }
    }
  }

  const sortedOuts = [...owner.keys()].sort();
  const edgeMap = new Map<string, GraphEdge>();
  const addEdge = (from: string, to: string, out: string, dep: string) => {
    const key = `${from}\u0000${to}`;
    let edge = edgeMap.get(key);
    if (!edge) {
      edge = { from, to, via: [] };
      edgeMap.set(key, edge);
    }
    edge.via.push({ out, dep });
  };
  for (const node of nodes) {
    for (const dep of node.deps) {
      // The dep itself or a folder containing it is an output…
      for (let p = dep; ; p = dirnameOf(p)) {
        const from = owner.get(p);
        if (from !== undefined) addEdge(from, node.id, p, dep);
        if (p === '.' || dirnameOf(p) === p) break;
      }
      // …or the dep is a folder containing outputs.
      for (
        let i = lowerBound(sortedOuts, `${dep}/`);
        i < sortedOuts.length && sortedOuts[i]!.startsWith(`${dep}/`);
        i++
      ) {
        const out = sortedOuts[i]!;
        addEdge(owner.get(out)!, node.id, out, dep);
      }
    }
  }
  const edges = [...edgeMap.values()];
  const order = topologicalOrder(nodes, edges);
  if (!Array.isArray(order)) return failWith(order);
  return ok({ nodes, edges, order });
}

function lowerBound(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A binary min-heap of node indices: ready nodes come out in definition order. */
class MinHeap {
  private items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(v: number): void {
    const a = this.items;
    a.push(v);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (a[p]! <= a[i]!) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

/** Kahn's algorithm, taking ready nodes in definition order; a leftover means a cycle. */
function topologicalOrder(nodes: GraphNode[], edges: GraphEdge[]): string[] | PipelineError {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const indegree = nodes.map(() => 0);
  const next = nodes.map(() => [] as number[]);
  for (const e of edges) {
    const from = index.get(e.from)!;
    const to = index.get(e.to)!;
    next[from]!.push(to);
    indegree[to]!++;
  }
  const ready = new MinHeap();
  indegree.forEach((d, i) => {
    if (d === 0) ready.push(i);
  });
  const order: string[] = [];
  while (ready.size > 0) {
    const i = ready.pop();
    order.push(nodes[i]!.id);
    for (const j of next[i]!) if (--indegree[j]! === 0) ready.push(j);
  }
  if (order.length === nodes.length) return order;
  const cycle = findCycle(nodes, next, indegree);
  const ids = cycle.map((i) => nodes[i]!.id);
  return new PipelineError({
    code: 'cycle',
    message: `The pipeline has a cycle: ${[...ids, ids[0]].join(' → ')}.`,
    stages: ids,
    paths: [],
  });
}

/** One cycle among the nodes Kahn's algorithm could not order (iterative DFS). */
function findCycle(nodes: GraphNode[], next: number[][], indegree: number[]): number[] {
  const state = nodes.map(() => 0); // 0 new, 1 on stack, 2 done
  for (let start = 0; start < nodes.length; start++) {
    if (indegree[start] === 0 || state[start] !== 0) continue;
    const path: number[] = [];
    const iters: number[] = [];
    path.push(start);
    iters.push(0);
    state[start] = 1;
    while (path.length > 0) {
      const top = path[path.length - 1]!;
      const k = iters[iters.length - 1]!;
      if (k < next[top]!.length) {
        iters[iters.length - 1]!++;
        const j = next[top]![k]!;
        if (state[j] === 1) return path.slice(path.indexOf(j));
        if (state[j] === 0) {
          state[j] = 1;
          path.push(j);
          iters.push(0);
        }
      } else {
        state[top] = 2;
        path.pop();
        iters.pop();
      }
    }
  }
  return [];
}

/** Nodes reachable from `ids` along edges (one direction), excluding `ids`, in graph order. */
function reachable(graph: StageGraph, ids: Iterable<string>, direction: 'down' | 'up'): string[] {
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    const [a, b] = direction === 'down' ? [e.from, e.to] : [e.to, e.from];
    const list = next.get(a);
    if (list) list.push(b);
    else next.set(a, [b]);
  }
  const start = new Set(ids);
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length > 0) {
    for (const n of next.get(stack.pop()!) ?? []) {
      if (seen.has(n) || start.has(n)) continue;
      seen.add(n);
      stack.push(n);
    }
  }
  return graph.order.filter((id) => seen.has(id));
}

/** Every node downstream of the given ones (not including them), in topological order. */
export function downstreamOf(graph: StageGraph, ids: Iterable<string>): string[] {
  return reachable(graph, ids, 'down');
}

/** Every node upstream of the given ones (not including them), in topological order. */
export function upstreamOf(graph: StageGraph, ids: Iterable<string>): string[] {
  return reachable(graph, ids, 'up');
}

export interface OutputOwner {
  /** The stage or `.dvc` file that produces the path. */
  node: string;
  /** The output that is, or contains, the path. */
  out: string;
  stageOut?: StageOut;
  /**
   * True when the bytes live in the DVC cache (not in git): a viewer of a commit must fetch
   * them from a remote, or say they are not available without it.
   */
  cached: boolean;
}

/**
 * Which output a repository path is, or lies inside — e.g. example-get-started's
 * `eval/metrics.json` is inside `evaluate`'s cached `eval` output, so it is not in git.
 */
export function outputOwning(graph: StageGraph, path: string): OutputOwner | null {
  const target = joinPath(path);
  for (const node of graph.nodes) {
    for (let i = 0; i < node.outs.length; i++) {
      const out = node.outs[i]!;
      if (target !== out && !target.startsWith(`${out}/`)) continue;
      const stageOut = node.stage?.outs[i];
      return { node: node.id, out, ...(stageOut ? { stageOut } : {}), cached: stageOut ? stageOut.cache : true };
    }
  }
  return null;
}
