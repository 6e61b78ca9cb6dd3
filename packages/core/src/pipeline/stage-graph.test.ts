import { describe, expect, it } from 'vitest';
import { parseDvcFile } from '../dvc/dvc-file.ts';
import { parseDvcYaml } from '../dvc/dvc-yaml.ts';
import { expandStages, type Stage } from '../dvc/expand-stages.ts';
import { fixture } from '../dvc/fixtures.ts';
import { buildFileGraph } from './file-graph.ts';
import { buildStageGraph, downstreamOf, outputOwning, upstreamOf } from './stage-graph.ts';

function stagesOf(text: string): Stage[] {
  const parsed = parseDvcYaml(text);
  if (!parsed.ok) throw parsed.error;
  const expanded = expandStages(parsed.value);
  if (!expanded.ok) throw expanded.error;
  return expanded.value;
}

function gettingStarted(dir: string) {
  const dvc = parseDvcFile(fixture(`example-get-started/${dir}/data/data.xml.dvc`), 'data/data.xml.dvc');
  if (!dvc.ok) throw dvc.error;
  const g = buildStageGraph({
    stages: stagesOf(fixture(`example-get-started/${dir}/dvc.yaml`)),
    dvcFiles: [{ file: 'data/data.xml.dvc', dvc: dvc.value }],
  });
  if (!g.ok) throw g.error;
  return g.value;
}

const edgeList = (g: ReturnType<typeof gettingStarted>) =>
  g.edges.map((e) => `${e.from} -> ${e.to} (${e.via.map((v) => v.out).join(', ')})`);

describe('buildStageGraph on example-get-started', () => {
  it('gives the README edges, with data/data.xml from the import file', () => {
    const g = gettingStarted('main');
    expect(edgeList(g).sort()).toEqual(
      [
        'data/data.xml.dvc -> prepare (data/data.xml)',
        'prepare -> featurize (data/prepared)',
        'featurize -> train (data/features)',
        'featurize -> evaluate (data/features)',
        'train -> evaluate (model.pkl)',
      ].sort(),
    );
    expect(g.order).toEqual(['data/data.xml.dvc', 'prepare', 'featurize', 'train', 'evaluate']);
    expect(downstreamOf(g, ['featurize'])).toEqual(['train', 'evaluate']);
    expect(upstreamOf(g, ['train'])).toEqual(['data/data.xml.dvc', 'prepare', 'featurize']);
  });

  it('gives the same graph for the DVC 2 snapshot, evaluate writing evaluation.json and plots', () => {
    const g = gettingStarted('dvc2-799c9ad');
    expect(edgeList(g).sort()).toEqual(edgeList(gettingStarted('main')).sort());
    expect(g.nodes.find((n) => n.id === 'evaluate')!.outs).toEqual([
      'evaluation.json',
      'evaluation/importance.png',
      'evaluation/plots/confusion_matrix.json',
      'evaluation/plots/precision_recall.json',
      'evaluation/plots/roc.json',
    ]);
  });

  it('says the metrics file of main lives in the cached eval output, and DVC 2 kept it in git', () => {
    expect(outputOwning(gettingStarted('main'), 'eval/metrics.json')).toMatchObject({
      node: 'evaluate',
      out: 'eval',
      cached: true,
    });
    expect(outputOwning(gettingStarted('dvc2-799c9ad'), 'evaluation.json')).toMatchObject({
      node: 'evaluate',
      out: 'evaluation.json',
      cached: false,
    });
    expect(outputOwning(gettingStarted('main'), 'data/data.xml')).toMatchObject({
      node: 'data/data.xml.dvc',
      cached: true,
    });
    expect(outputOwning(gettingStarted('main'), 'src/train.py')).toBeNull();
  });

  it('builds the file-level graph', () => {
    const f = buildFileGraph(gettingStarted('main'));
    expect(f.nodes).toContain('data/prepared');
    expect(f.edges).toContainEqual({ from: 'data/prepared', to: 'data/features', stage: 'featurize' });
    expect(f.edges).toContainEqual({ from: 'src/train.py', to: 'model.pkl', stage: 'train' });
  });
});

describe('buildStageGraph edges and errors', () => {
  it('joins a dep inside an output folder and an output inside a dep folder, through wdir', () => {
    const g = buildStageGraph({
      stages: stagesOf(`stages:
  a:
    cmd: a
    outs: [data/dir]
  b:
    cmd: b
    wdir: sub
    deps: [../data/dir/file.csv]
    outs: [out/model.pkl]
  c:
    cmd: c
    deps: [sub/out]
`),
    });
    if (!g.ok) throw g.error;
    expect(g.value.edges.map((e) => [e.from, e.to, e.via])).toEqual([
      ['a', 'b', [{ out: 'data/dir', dep: 'data/dir/file.csv' }]],
      ['b', 'c', [{ out: 'sub/out/model.pkl', dep: 'sub/out' }]],
    ]);
  });

  it('orders a long chain defined backwards (2,000 stages)', () => {
    const n = 2000;
    const stages: Stage[] = Array.from({ length: n }, (_, k) => {
      const i = n - 1 - k;
      return {
        name: `s${i}`,
        cmd: 'x',
        wdir: '.',
        deps: i === 0 ? [] : [`f${i - 1}`],
        params: [],
        outs: [{ path: `f${i}`, kind: 'out', cache: true, persist: false, push: true, checkpoint: false }],
        frozen: false,
        alwaysChanged: false,
      };
    });
    const g = buildStageGraph({ stages });
    if (!g.ok) throw g.error;
    expect(g.value.order).toEqual(Array.from({ length: n }, (_, i) => `s${i}`));
    expect(downstreamOf(g.value, ['s1997'])).toEqual(['s1998', 's1999']);
  });

  it('refuses cycles, naming the stages', () => {
    const g = buildStageGraph({
      stages: stagesOf(
        'stages:\n  a:\n    cmd: a\n    deps: [y]\n    outs: [x]\n  b:\n    cmd: b\n    deps: [x]\n    outs: [y]\n',
      ),
    });
    expect(g.ok).toBe(false);
    if (g.ok) return;
    expect(g.error.code).toBe('cycle');
    expect(g.error.stages.sort()).toEqual(['a', 'b']);
    expect(g.error.message).toMatch(/cycle: (a → b → a|b → a → b)/);
    expect(JSON.parse(JSON.stringify(g.error))).toMatchObject({ name: 'PipelineError', code: 'cycle' });
  });

  it('refuses one path output by two stages, and outputs inside outputs', () => {
    const dup = buildStageGraph({
      stages: stagesOf('stages:\n  a:\n    cmd: a\n    outs: [x]\n  b:\n    cmd: b\n    outs: [./x]\n'),
    });
    expect(dup.ok || dup.error).toMatchObject({ code: 'duplicate_output', stages: ['a', 'b'], paths: ['x'] });
    const overlap = buildStageGraph({
      stages: stagesOf('stages:\n  a:\n    cmd: a\n    outs: [data]\n  b:\n    cmd: b\n    outs: [data/sub/x]\n'),
    });
    expect(overlap.ok || overlap.error).toMatchObject({ code: 'overlapping_outputs', paths: ['data', 'data/sub/x'] });
  });
});
