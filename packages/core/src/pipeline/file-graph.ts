/**
 * The file-level view of a pipeline (`dvc dag --outs`-like): one node per path, an edge from
 * each dep of a stage to each of its outputs, and an edge from an output folder to a dep
 * inside it (or from an output to a dep folder containing it).
 */
import type { StageGraph } from './stage-graph.ts';

export interface FileEdge {
  from: string;
  to: string;
  /** The stage that turns `from` into `to`; null for a containment edge between paths. */
  stage: string | null;
}

export interface FileGraph {
  /** Every path, deps and outputs, each once, in first-seen order. */
  nodes: string[];
  edges: FileEdge[];
}

export function buildFileGraph(graph: StageGraph): FileGraph {
  const nodes = new Set<string>();
  const edges: FileEdge[] = [];
  const seen = new Set<string>();
  const add = (from: string, to: string, stage: string | null) => {
    const key = `${from}\u0000${to}\u0000${stage}`;
    if (seen.has(key) || from === to) return;
    seen.add(key);
    edges.push({ from, to, stage });
  };
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const id of graph.order) {
    const node = byId.get(id)!;
    for (const p of [...node.deps, ...node.outs]) nodes.add(p);
    for (const dep of node.deps) for (const out of node.outs) add(dep, out, node.id);
  }
  for (const e of graph.edges) for (const v of e.via) add(v.out, v.dep, null);
  return { nodes: [...nodes], edges };
}
