/**
 * `cairn dag [TARGET]`: the pipeline graph — stages and `.dvc` files — as text (each node with
 * what it depends on, in pipeline order), `--mermaid` (as `dvc dag --mermaid`) or `--dot`
 * (as `dvc dag --dot`). With a target, only it and what it depends on.
 */
import { type StageGraph, upstreamOf } from '@cairn/core';
import { CliError } from '../cli-error.ts';
import { loadPipeline } from '../pipeline-state.ts';
import { findRepo } from '../repo.ts';

export function renderDag(graph: StageGraph, format: 'text' | 'mermaid' | 'dot', target?: string): string {
  let ids = graph.order;
  if (target !== undefined) {
    if (!graph.nodes.some((n) => n.id === target))
      throw new CliError('not_found', `'${target}' is not a stage or .dvc file`);
    const keep = new Set([...upstreamOf(graph, [target]), target]);
    ids = ids.filter((id) => keep.has(id));
  }
  const keep = new Set(ids);
  const edges = graph.edges.filter((e) => keep.has(e.from) && keep.has(e.to));
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
  if (ids.length === 0) return '';
  const width = Math.max(...ids.map((id) => id.length));
  return ids
    .map((id) => {
      const from = edges.filter((e) => e.to === id).map((e) => e.from);
      return from.length > 0 ? `${id.padEnd(width)}  <- ${from.join(', ')}` : id;
    })
    .join('\n');
}

export function dag(cwd: string, target: string | undefined, format: 'text' | 'mermaid' | 'dot'): void {
  const repo = findRepo(cwd);
  const text = renderDag(loadPipeline(repo).graph, format, target);
  if (text) console.log(text);
}
