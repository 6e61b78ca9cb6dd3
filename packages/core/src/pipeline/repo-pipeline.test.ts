import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Md5Factory } from '../hash/md5.ts';
import { diffPipelines } from './pipeline-diff.ts';
import { pipelineView } from './pipeline-view.ts';
import { loadRepoPipeline } from './repo-pipeline.ts';
import { treeStatus } from './tree-status.ts';

const nodeMd5: Md5Factory = () => {
  const h = createHash('md5');
  return { update: (d) => h.update(d), hex: () => h.digest('hex') };
};
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const enc = new TextEncoder();

/** A repository as a path → text map, with blob ids = md5 of the text (unique enough here). */
function repo(files: Record<string, string>) {
  const blobs = new Map(Object.keys(files).map((p) => [p, md5(files[p]!)]));
  const byOid = new Map(Object.values(files).map((t) => [md5(t), t]));
  return {
    input: { paths: Object.keys(files), read: (p: string) => files[p] },
    tree: { blobs, readBlob: async (oid: string) => enc.encode(byOid.get(oid)!) },
  };
}

const ROOT_YAML = `stages:
  prepare:
    cmd: python prep.py
    deps: [prep.py]
    params: [lr]
    outs: [data/prepared]
  train:
    cmd: python train.py
    deps: [data/prepared, train.py]
    outs: [model.pkl]
`;
const SUB_YAML = `stages:
  report:
    cmd: python report.py
    deps: [../model.pkl, report.py]
    outs:
    - report.md:
        cache: false
`;
const rootLock = (prep: string, lr: number) => `schema: '2.0'
stages:
  prepare:
    cmd: python prep.py
    deps:
    - path: prep.py
      hash: md5
      md5: ${prep}
    params:
      params.yaml:
        lr: ${lr}
    outs:
    - path: data/prepared
      hash: md5
      md5: aaaa.dir
  train:
    cmd: python train.py
    deps:
    - path: data/prepared
      hash: md5
      md5: aaaa.dir
    - path: train.py
      hash: md5
      md5: ${md5('train\n')}
    outs:
    - path: model.pkl
      hash: md5
      md5: bbbb
`;
const subLock = `schema: '2.0'
stages:
  report:
    cmd: python report.py
    deps:
    - path: ../model.pkl
      hash: md5
      md5: bbbb
    - path: report.py
      hash: md5
      md5: ${md5('report\n')}
    outs:
    - path: report.md
      hash: md5
      md5: ${md5('# r\n')}
`;
const files = (lr: number, prep = 'prep\n') => ({
  'dvc.yaml': ROOT_YAML,
  'dvc.lock': rootLock(md5('prep\n'), 0.1),
  'params.yaml': `lr: ${lr}\n`,
  'prep.py': prep,
  'train.py': 'train\n',
  'reports/dvc.yaml': SUB_YAML,
  'reports/dvc.lock': subLock,
  'reports/report.py': 'report\n',
  'reports/report.md': '# r\n',
  'raw.csv.dvc': 'outs:\n- md5: cccc\n  size: 3\n  hash: md5\n  path: raw.csv\n',
});

describe('every dvc.yaml of a repository', () => {
  it('names folder stages as DVC does and links them across files', async () => {
    const { input } = repo(files(0.1));
    const p = await loadRepoPipeline(input);
    expect(p.errors).toEqual([]);
    expect(p.stages.map((s) => s.name)).toEqual(['prepare', 'train', 'reports/dvc.yaml:report']);
    expect(p.graph.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['prepare>train', 'train>reports/dvc.yaml:report']);
    expect(p.lock.stages['reports/dvc.yaml:report']?.outs[0]?.path).toBe('report.md');
    expect(p.graph.nodes.map((n) => n.id)).toContain('raw.csv.dvc');
  });

  it('finds nothing stale when the blobs match the locks, and params changes run downstream only', async () => {
    const clean = repo(files(0.1));
    const cache = new Map();
    const before = await treeStatus(await loadRepoPipeline(clean.input), clean.tree, { md5: nodeMd5, cache });
    expect(before.ok && before.value.map((s) => [s.stage, s.state])).toEqual([
      ['prepare', 'up_to_date'],
      ['train', 'up_to_date'],
      ['reports/dvc.yaml:report', 'up_to_date'],
    ]);
    const hashed = cache.size;
    const changed = repo(files(0.2));
    const after = await treeStatus(await loadRepoPipeline(changed.input), changed.tree, { md5: nodeMd5, cache });
    expect(hashed).toBe(4); // prep.py, train.py, reports/report.py, reports/report.md
    expect(cache.size).toBe(hashed); // only params changed: no blob hashed again
    if (!after.ok) throw after.error;
    expect(after.value[0]?.reasons).toEqual([
      { kind: 'params_changed', file: 'params.yaml', key: 'lr', change: 'modified', old: 0.1, new: 0.2 },
    ]);
    expect(after.value[1]?.reasons).toEqual([{ kind: 'upstream_changed', stage: 'prepare' }]);
    expect(after.value[2]?.state).toBe('changed');
  });

  it('hashes a DVC 2 lock (no hash: md5) the legacy way: CRLF text matches its LF hash', async () => {
    const crlf = 'a,b\r\n1,2\r\n';
    const f = {
      'dvc.yaml': 'stages:\n  s:\n    cmd: run\n    deps: [x.csv]\n    outs: [out]\n',
      'dvc.lock': `schema: '2.0'\nstages:\n  s:\n    cmd: run\n    deps:\n    - path: x.csv\n      md5: ${md5('a,b\n1,2\n')}\n    outs:\n    - path: out\n      md5: dd.dir\n`,
      'x.csv': crlf,
    };
    const { input, tree } = repo(f);
    const status = await treeStatus(await loadRepoPipeline(input), tree, { md5: nodeMd5 });
    expect(status.ok && status.value[0]?.state).toBe('up_to_date');
    // The same lock with hash: md5 says the file changed: the algorithm matters.
    const v3 = {
      ...f,
      'dvc.lock': f['dvc.lock'].replace('    - path: x.csv\n', '    - path: x.csv\n      hash: md5\n'),
    };
    const r3 = repo(v3);
    const s3 = await treeStatus(await loadRepoPipeline(r3.input), r3.tree, { md5: nodeMd5 });
    expect(s3.ok && s3.value[0]?.reasons).toEqual([{ kind: 'dep_modified', path: 'x.csv' }]);
  });

  it('reports an invalid dvc.yaml with file:line:column and keeps the other files', async () => {
    const { input } = repo({ ...files(0.1), 'reports/dvc.yaml': 'stages:\n  report:\n    cmd: [oops\n' });
    const p = await loadRepoPipeline(input);
    expect(p.errors).toHaveLength(1);
    expect(p.errors[0]?.message).toBeTruthy();
    expect((p.errors[0] as { file?: string }).file).toBe('reports/dvc.yaml');
    expect((p.errors[0] as { line?: number }).line).toBeGreaterThan(0);
    expect(p.stages.map((s) => s.name)).toEqual(['prepare', 'train']);
  });

  it('names two stages writing one path, and draws the rest', async () => {
    const { input } = repo({
      'dvc.yaml':
        'stages:\n  a:\n    cmd: a\n    outs: [x]\n  b:\n    cmd: b\n    outs: [x]\n  c:\n    cmd: c\n    deps: [x]\n',
    });
    const p = await loadRepoPipeline(input);
    expect(p.errors.map((e) => ('code' in e ? e.code : ''))).toEqual(['duplicate_output']);
    expect(p.excluded).toEqual(['b']);
    expect(p.graph.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['a>c']);
  });

  it('names a cycle', async () => {
    const { input } = repo({
      'dvc.yaml':
        'stages:\n  a:\n    cmd: a\n    deps: [y]\n    outs: [x]\n  b:\n    cmd: b\n    deps: [x]\n    outs: [y]\n',
    });
    const p = await loadRepoPipeline(input);
    expect(p.errors[0]?.message).toMatch(/cycle: a → b → a/);
  });

  it('diffs two refs: the changed param, the added stage', async () => {
    const a = await loadRepoPipeline(repo(files(0.1)).input);
    const b = await loadRepoPipeline(
      repo({ ...files(0.2), 'dvc.yaml': `${ROOT_YAML}  extra:\n    cmd: x\n    deps: [model.pkl]\n` }).input,
    );
    const d = diffPipelines(a, b);
    expect(d.stages).toEqual([
      {
        stage: 'prepare',
        change: 'changed',
        changes: [{ field: 'params', subject: 'params.yaml:lr', change: 'modified', old: 0.1, new: 0.2 }],
      },
      { stage: 'extra', change: 'added', changes: [] },
    ]);
    expect(d.edges).toEqual([{ from: 'train', to: 'extra', change: 'added' }]);
  });

  it('draws stages, files, or both, with kinds', async () => {
    const p = await loadRepoPipeline(repo(files(0.1)).input);
    const both = pipelineView(p, 'both', { gitPaths: new Set(['prep.py', 'train.py']) });
    const kind = (id: string) => both.nodes.find((n) => n.id === id)?.kind;
    expect(kind('prepare')).toBe('stage');
    expect(kind('path:prep.py')).toBe('git');
    expect(kind('path:params.yaml')).toBe('params');
    expect(kind('path:model.pkl')).toBe('data-file');
    expect(both.edges).toContainEqual({ from: 'path:data/prepared', to: 'train' });
    expect(pipelineView(p, 'stages').edges).toEqual([
      { from: 'prepare', to: 'train' },
      { from: 'train', to: 'reports/dvc.yaml:report' },
    ]);
  });

  it('never throws on arbitrary pipeline files (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), fc.string(), async (yaml, lock, dvc) => {
        const { input, tree } = repo({ 'dvc.yaml': yaml, 'dvc.lock': lock, 'sub/dvc.yaml': yaml, 'a.dvc': dvc });
        const p = await loadRepoPipeline(input);
        for (const e of p.errors) expect(e).toBeInstanceOf(Error);
        await treeStatus(p, tree, { md5: nodeMd5 });
        pipelineView(p, 'both');
      }),
      { numRuns: 300 },
    );
  });
});
