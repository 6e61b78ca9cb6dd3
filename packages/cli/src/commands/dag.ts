/**
 * `cairn dag [TARGET] [--outs] [--full]`: the pipeline graph — stages and `.dvc` files — drawn
 * in ASCII boxes as `dvc dag` draws it, `--mermaid` or `--dot` (as DVC's). With a target, only
 * it and what it depends on; `--full` keeps the whole pipeline the target belongs to. `--outs`
 * draws the files (deps and outs) instead of the stages, as `dvc dag --outs`.
 */
import { buildFileGraph, downstreamOf, drawAsciiDag, type StageGraph, upstreamOf } from '@cairn/core';
import { CliError } from '../cli-error.ts';
import { loadPipeline, stageCandidates } from '../pipeline-state.ts';
import { findRepo } from '../repo.ts';

export interface DagOptions {
  outs?: boolean;
  full?: boolean;
}

/** The pipeline the target belongs to: everything connected to it, either way. */
function connectedTo(graph: StageGraph, target: string): Set<string> {
  const keep = new Set([target]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const id of [...upstreamOf(graph, keep), ...downstreamOf(graph, keep)]) {
      if (!keep.has(id)) {
        keep.add(id);
        grew = true;
      }
    }
  }
  return keep;
}

export function renderDag(
  graph: StageGraph,
  format: 'text' | 'mermaid' | 'dot',
  target?: string,
  options: DagOptions = {},
): string {
  let ids = graph.order;
  if (target !== undefined) {
    if (!graph.nodes.some((n) => n.id === target))
      throw new CliError('not_found', `'${target}' is not a stage or .dvc file`);
    const keep = options.full ? connectedTo(graph, target) : new Set([...upstreamOf(graph, [target]), target]);
    ids = ids.filter((id) => keep.has(id));
  }
  const keepNodes = new Set(ids);
  let edges: { from: string; to: string }[] = graph.edges.filter((e) => keepNodes.has(e.from) && keepNodes.has(e.to));
  if (options.outs) {
    const kept: StageGraph = {
      nodes: graph.nodes.filter((n) => keepNodes.has(n.id)),
      edges: graph.edges.filter((e) => keepNodes.has(e.from) && keepNodes.has(e.to)),
      order: ids,
    };
    const files = buildFileGraph(kept);
    // Only what stages produce, as `dvc dag --outs`: outputs linked through the stages between them.
    const outs = new Set(kept.nodes.flatMap((n) => n.outs));
    ids = files.nodes.filter((p) => outs.has(p));
    edges = [];
    const seen = new Set<string>();
    for (const e of kept.edges) {
      for (const from of graph.nodes.find((n) => n.id === e.from)!.outs) {
        for (const to of graph.nodes.find((n) => n.id === e.to)!.outs) {
          const key = `${from}\u0000${to}`;
          if (!seen.has(key) && from !== to) {
            seen.add(key);
            edges.push({ from, to });
          }
        }
      }
    }
  }
  const keep = new Set(ids);
  if (format === 'dot') {
    const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    return [
      'strict digraph  {',
      ...ids.map((id) => `${q(id)};`),
      ...edges.map((e) => `${q(e.from)} -> ${q(e.to)};`),
      '}',
    ].join('\n');
  }
  if (format === 'mermaid') {
    const num = new Map(ids.map((id, i) => [id, `node${i + 1}`]));
    const label = (s: string) => s.replace(/"/g, '#quot;');
    return [
      'flowchart TD',
      ...ids.map((id) => `\t${num.get(id)}["${label(id)}"]`),
      ...edges.map((e) => `\t${num.get(e.from)}-->${num.get(e.to)}`),
    ].join('\n');
  }
  return drawAsciiDag({ nodes: ids, edges: edges.filter((e) => keep.has(e.from) && keep.has(e.to)) });
}

export async function dag(
  cwd: string,
  target: string | undefined,
  format: 'text' | 'mermaid' | 'dot',
  options: DagOptions = {},
): Promise<void> {
  const repo = findRepo(cwd);
  const { graph } = await loadPipeline(repo);
  // `train` from inside a folder is that folder's dvc.yaml:train, as DVC reads it.
  const node =
    target === undefined
      ? undefined
      : (stageCandidates(repo, cwd, target).find((n) => graph.nodes.some((g) => g.id === n)) ?? target);
  const text = renderDag(graph, format, node, options);
  if (text) console.log(text);
}
